# Exact money sums across HOP panes, merged when each window fires (0.10 + 0.20 is 0.30, not 0.30000000000000004).
table t (price DECIMAL(10, 2), rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(price), HOP_END(rowtime, INTERVAL '1' MINUTE, INTERVAL '3' MINUTE)
FROM t GROUP BY HOP(rowtime, INTERVAL '1' MINUTE, INTERVAL '3' MINUTE)
---- input t
{"price": 0.1, "rowtime": "2026-01-01 09:00:10"}
{"price": 0.2, "rowtime": "2026-01-01 09:01:10"}
{"price": 0.7, "rowtime": "2026-01-01 09:02:10"}
---- output
+I[0.10, 2026-01-01 09:01:00]
+I[0.30, 2026-01-01 09:02:00]
+I[1.00, 2026-01-01 09:03:00]
+I[0.90, 2026-01-01 09:04:00]
+I[0.70, 2026-01-01 09:05:00]
