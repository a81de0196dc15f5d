# MIN and MAX over a sliding ROWS frame: values leaving the frame are retracted.
table t (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT x,
  MIN(x) OVER (ORDER BY rowtime ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS lo,
  MAX(x) OVER (ORDER BY rowtime ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS hi
FROM t
---- input t
{"k": "a", "x": 5, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "x": 9, "rowtime": "2026-01-01 09:00:02"}
{"k": "a", "x": 2, "rowtime": "2026-01-01 09:00:03"}
{"k": "a", "x": 7, "rowtime": "2026-01-01 09:00:04"}
---- output
+I[5, 5, 5]
+I[9, 5, 9]
+I[2, 2, 9]
+I[7, 2, 7]
