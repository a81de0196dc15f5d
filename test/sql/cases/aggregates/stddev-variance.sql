# STDDEV_POP / STDDEV_SAMP / VAR_POP / VAR_SAMP over DOUBLE; a single value has no sample variance (NULL).
table t (k STRING, x DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, STDDEV_POP(x), STDDEV_SAMP(x), VAR_POP(x), VAR_SAMP(x) FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"k": "a", "x": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "x": 2, "rowtime": "2026-01-01 09:00:02"}
{"k": "a", "x": 2, "rowtime": "2026-01-01 09:00:03"}
{"k": "a", "x": 5, "rowtime": "2026-01-01 09:00:04"}
{"k": "b", "x": 3, "rowtime": "2026-01-01 09:00:04"}
---- output unordered
+I[a, 1.5, 1.7320508075688772, 2.25, 3.0]
+I[b, 0.0, NULL, 0.0, NULL]
