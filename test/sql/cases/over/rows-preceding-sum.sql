# SUM over the current row and the 2 before it in the partition; rows wait for the watermark and come out
# sorted by time (the out-of-order 09:00:02 row takes its place in time order).
table t (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, x, SUM(x) OVER (PARTITION BY k ORDER BY rowtime ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s
FROM t
---- input t
{"k": "a", "x": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "b", "x": 100, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "x": 4, "rowtime": "2026-01-01 09:00:04"}
{"k": "a", "x": 2, "rowtime": "2026-01-01 09:00:02"}
watermark 2026-01-01 09:00:03
{"k": "a", "x": 8, "rowtime": "2026-01-01 09:00:05"}
{"k": "a", "x": 16, "rowtime": "2026-01-01 09:00:06"}
---- output
+I[a, 1, 1]
+I[b, 100, 100]
+I[a, 2, 3]
+I[a, 4, 7]
+I[a, 8, 14]
+I[a, 16, 28]
