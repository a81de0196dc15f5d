# STDDEV_POP / VAR_SAMP of DECIMAL(10, 2) are DECIMAL(38, 6), as Flink's AVG-like result type.
table t (d DECIMAL(10, 2), rowtime TIMESTAMP ROWTIME)
---- query
SELECT STDDEV_POP(d), VAR_SAMP(d) FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"d": 1.00, "rowtime": "2026-01-01 09:00:01"}
{"d": 2.00, "rowtime": "2026-01-01 09:00:02"}
{"d": 4.00, "rowtime": "2026-01-01 09:00:03"}
---- output
+I[1.247219, 2.333333]
