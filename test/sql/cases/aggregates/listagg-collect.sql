# LISTAGG with the default ',' and a custom separator; COLLECT gathers the non-NULL values (Dirk: as an ARRAY).
table t (k STRING, s STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, LISTAGG(s), LISTAGG(s, '|'), COLLECT(s) FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"k": "a", "s": "x", "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "s": null, "rowtime": "2026-01-01 09:00:02"}
{"k": "a", "s": "y", "rowtime": "2026-01-01 09:00:03"}
---- output
+I[a, x,y, x|y, [x, y]]
