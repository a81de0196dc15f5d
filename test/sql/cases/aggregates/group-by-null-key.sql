# NULL is a group key value of its own.
table t (k STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, COUNT(*) FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"k": null, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "rowtime": "2026-01-01 09:00:02"}
{"k": null, "rowtime": "2026-01-01 09:00:03"}
---- output unordered
+I[NULL, 2]
+I[a, 1]
