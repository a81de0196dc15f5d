# HOP windows covering no record are not emitted, even between non-empty ones; HOP_ROWTIME is end - 1 ms.
table t (v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(v), HOP_ROWTIME(rowtime, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE) FROM t GROUP BY HOP(rowtime, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)
---- input t
{"v": 1, "rowtime": "2026-01-01 09:00:00"}
{"v": 2, "rowtime": "2026-01-01 09:05:00"}
---- output
+I[1, 2026-01-01 09:00:59.999]
+I[1, 2026-01-01 09:01:59.999]
+I[2, 2026-01-01 09:05:59.999]
+I[2, 2026-01-01 09:06:59.999]
