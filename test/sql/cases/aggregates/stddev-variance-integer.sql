# Flink types STDDEV_POP / STDDEV_SAMP / VAR_POP / VAR_SAMP of INT and BIGINT as the argument (Calcite's
# AVG rule) and computes them as the reduced integer expression: VAR_POP = (SUM(x*x) - SUM(x)*SUM(x)/COUNT(x))
# / COUNT(x) with integer division, STDDEV = CAST(SQRT(variance) AS INT). For 1, 2, 2, 5: (34 - 25) / 4 = 2,
# (34 - 25) / 3 = 3, SQRT(2) -> 1, SQRT(3) -> 1. A single value has no sample variance (NULL).
table t (k STRING, x INT, y BIGINT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, STDDEV_POP(x), STDDEV_SAMP(x), VAR_POP(x), VAR_SAMP(y), VAR_POP(CAST(x AS DOUBLE))
FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"k": "a", "x": 1, "y": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "x": 2, "y": 2, "rowtime": "2026-01-01 09:00:02"}
{"k": "a", "x": 2, "y": 2, "rowtime": "2026-01-01 09:00:03"}
{"k": "a", "x": 5, "y": 5, "rowtime": "2026-01-01 09:00:04"}
{"k": "b", "x": 3, "y": 3, "rowtime": "2026-01-01 09:00:04"}
---- output unordered
+I[a, 1, 1, 2, 3, 2.25]
+I[b, 0, NULL, 0, NULL, 0.0]
