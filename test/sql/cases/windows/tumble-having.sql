# HAVING filters windows after aggregation.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, SUM(v) AS s FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE) HAVING COUNT(*) >= 2 AND SUM(v) > 3
---- input t
{"k": "a", "v": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "v": 5, "rowtime": "2026-01-01 09:00:02"}
{"k": "b", "v": 9, "rowtime": "2026-01-01 09:00:03"}
{"k": "c", "v": 1, "rowtime": "2026-01-01 09:00:03"}
{"k": "c", "v": 1, "rowtime": "2026-01-01 09:00:04"}
---- output unordered
+I[a, 6]
