# TUMBLE window table function in FROM, aggregated by window_start, window_end and a key.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT window_start, window_end, k, COUNT(*) AS n, SUM(v) AS s
FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, k
---- input t
{"k": "a", "v": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "b", "v": 2, "rowtime": "2026-01-01 09:00:30"}
{"k": "a", "v": 4, "rowtime": "2026-01-01 09:00:59.999"}
{"k": "a", "v": 8, "rowtime": "2026-01-01 09:01:00"}
---- output unordered
+I[2026-01-01 09:00:00, 2026-01-01 09:01:00, a, 2, 5]
+I[2026-01-01 09:00:00, 2026-01-01 09:01:00, b, 1, 2]
+I[2026-01-01 09:01:00, 2026-01-01 09:02:00, a, 1, 8]
