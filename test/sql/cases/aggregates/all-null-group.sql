# A group whose values are all NULL: COUNT is 0, SUM / MIN / MAX / AVG / LISTAGG are NULL.
table t (k STRING, v INT, s STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, COUNT(v), SUM(v), MIN(v), MAX(v), AVG(v), LISTAGG(s) FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"k": "a", "v": null, "s": null, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "v": null, "s": null, "rowtime": "2026-01-01 09:00:02"}
---- output
+I[a, 0, NULL, NULL, NULL, NULL, NULL]
