# A row at or below the watermark already processed is late: dropped (and counted), as Flink does.
table t (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, x, SUM(x) OVER (PARTITION BY k ORDER BY rowtime ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM t
---- input t
{"k": "a", "x": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "x": 2, "rowtime": "2026-01-01 09:00:05"}
watermark 2026-01-01 09:00:05
{"k": "a", "x": 50, "rowtime": "2026-01-01 09:00:05"}
{"k": "a", "x": 3, "rowtime": "2026-01-01 09:00:06"}
---- output
+I[a, 1, 1]
+I[a, 2, 3]
+I[a, 3, 5]
