# SESSION window table function without PARTITION BY: one session stream over all rows; a row within the gap
# of the session's end extends it, a gap longer than 5 minutes starts a new one.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT window_start, window_end, COUNT(*) AS n, SUM(v) AS s
FROM TABLE(SESSION(TABLE t, DESCRIPTOR(rowtime), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end
---- input t
{"k": "a", "v": 1, "rowtime": "2026-01-01 09:00:00"}
{"k": "b", "v": 2, "rowtime": "2026-01-01 09:01:00"}
{"k": "a", "v": 3, "rowtime": "2026-01-01 09:04:00"}
{"k": "b", "v": 5, "rowtime": "2026-01-01 09:07:00"}
{"k": "a", "v": 4, "rowtime": "2026-01-01 09:13:00"}
---- output
+I[2026-01-01 09:00:00, 2026-01-01 09:12:00, 4, 11]
+I[2026-01-01 09:13:00, 2026-01-01 09:18:00, 1, 4]
