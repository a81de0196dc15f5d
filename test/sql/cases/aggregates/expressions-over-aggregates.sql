# Expressions over aggregates and group keys in SELECT; the same aggregate used twice is computed once.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT UPPER(k) AS key, SUM(v) * 2 AS twice, SUM(v) + COUNT(*) AS plus, CAST(SUM(v) AS DOUBLE) / COUNT(*) AS mean,
  CASE WHEN SUM(v) > 5 THEN 'hi' ELSE 'lo' END AS level
FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"k": "a", "v": 3, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "v": 4, "rowtime": "2026-01-01 09:00:02"}
{"k": "b", "v": 1, "rowtime": "2026-01-01 09:00:03"}
---- output unordered
+I[A, 14, 9, 3.5, hi]
+I[B, 2, 2, 1.0, lo]
