# SESSION TVF with PARTITION BY (k1, k2), a WHERE on input columns, window_time in the output, and the
# partition keys grouped in another order.
table t (k STRING, s STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, s, window_time, MAX(v) AS mx
FROM TABLE(SESSION(TABLE t PARTITION BY (k, s), DESCRIPTOR(rowtime), INTERVAL '1' MINUTE))
WHERE v > 0
GROUP BY s, k, window_start, window_end
---- input t
{"k": "a", "s": "x", "v": 1, "rowtime": "2026-01-01 09:00:00"}
{"k": "a", "s": "y", "v": 7, "rowtime": "2026-01-01 09:00:10"}
{"k": "a", "s": "x", "v": 5, "rowtime": "2026-01-01 09:00:50"}
{"k": "a", "s": "x", "v": -3, "rowtime": "2026-01-01 09:01:55"}
{"k": "a", "s": "x", "v": 2, "rowtime": "2026-01-01 09:03:00"}
---- output
+I[a, y, 2026-01-01 09:01:09.999, 7]
+I[a, x, 2026-01-01 09:01:49.999, 5]
+I[a, x, 2026-01-01 09:03:59.999, 2]
