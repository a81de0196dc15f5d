# A named window: OVER w refers to WINDOW w AS (...) after the FROM; both aggregates share its frame.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, v, SUM(v) OVER w AS s, COUNT(*) OVER w AS c
FROM t
WINDOW w AS (PARTITION BY k ORDER BY rowtime ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
---- input t
{"k": "a", "v": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "v": 2, "rowtime": "2026-01-01 09:00:02"}
{"k": "b", "v": 10, "rowtime": "2026-01-01 09:00:03"}
{"k": "a", "v": 3, "rowtime": "2026-01-01 09:00:04"}
{"k": "a", "v": 4, "rowtime": "2026-01-01 09:00:05"}
---- output
+I[a, 1, 1, 1]
+I[a, 2, 3, 2]
+I[b, 10, 10, 1]
+I[a, 3, 6, 3]
+I[a, 4, 9, 3]
