# RANGE UNBOUNDED PRECEDING (also the default frame): running totals per key; AVG keeps the INT type.
table t (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, x,
  SUM(x) OVER (PARTITION BY k ORDER BY rowtime RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS total,
  AVG(x) OVER (PARTITION BY k ORDER BY rowtime RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS mean
FROM t
---- input t
{"k": "a", "x": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "b", "x": 10, "rowtime": "2026-01-01 09:00:02"}
{"k": "a", "x": 4, "rowtime": "2026-01-01 09:00:03"}
{"k": "a", "x": null, "rowtime": "2026-01-01 09:00:04"}
---- output
+I[a, 1, 1, 1]
+I[b, 10, 10, 10]
+I[a, 4, 5, 2]
+I[a, NULL, 5, 2]
