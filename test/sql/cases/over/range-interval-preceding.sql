# RANGE BETWEEN INTERVAL '1' HOUR PRECEDING: rows of the last hour (inclusive); rows with the same time are
# peers and see each other. Several aggregates over the same window in one SELECT.
table t (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, x,
  SUM(x) OVER (PARTITION BY k ORDER BY rowtime RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS s,
  COUNT(*) OVER (PARTITION BY k ORDER BY rowtime RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS n,
  MAX(x) OVER (PARTITION BY k ORDER BY rowtime RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS mx
FROM t
---- input t
{"k": "a", "x": 5, "rowtime": "2026-01-01 09:00:00"}
{"k": "a", "x": 3, "rowtime": "2026-01-01 09:30:00"}
{"k": "a", "x": 7, "rowtime": "2026-01-01 09:30:00"}
{"k": "a", "x": 1, "rowtime": "2026-01-01 10:00:00"}
{"k": "a", "x": 2, "rowtime": "2026-01-01 10:30:01"}
---- output
+I[a, 5, 5, 1, 5]
+I[a, 3, 15, 3, 7]
+I[a, 7, 15, 3, 7]
+I[a, 1, 16, 4, 7]
+I[a, 2, 3, 2, 2]
