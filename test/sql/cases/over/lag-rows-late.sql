# LAG over ROWS UNBOUNDED PRECEDING per key: each row reads the previous row of its key in event time. A row
# behind the watermark is late and dropped (it neither gets a result nor becomes a later row's LAG).
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, v, LAG(v) OVER (PARTITION BY k ORDER BY rowtime ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS prev FROM t
---- input t
{"k": "x", "v": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "y", "v": 10, "rowtime": "2026-01-01 09:00:02"}
{"k": "x", "v": 3, "rowtime": "2026-01-01 09:00:05"}
{"k": "x", "v": 2, "rowtime": "2026-01-01 09:00:03"}
watermark 2026-01-01 09:00:04
{"k": "x", "v": 0, "rowtime": "2026-01-01 09:00:00"}
{"k": "y", "v": 11, "rowtime": "2026-01-01 09:00:06"}
---- output
+I[x, 1, NULL]
+I[y, 10, NULL]
+I[x, 2, 1]
+I[x, 3, 2]
+I[y, 11, 10]
