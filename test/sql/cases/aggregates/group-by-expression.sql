# GROUP BY an expression; the same expression in SELECT refers to the key.
table t (name STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT UPPER(name), COUNT(*) FROM t GROUP BY UPPER(name), TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"name": "a", "v": 3, "rowtime": "2026-01-01 09:00:01"}
{"name": "A", "v": 4, "rowtime": "2026-01-01 09:00:02"}
{"name": "b", "v": 1, "rowtime": "2026-01-01 09:00:03"}
---- output unordered
+I[A, 2]
+I[B, 1]
