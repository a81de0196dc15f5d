# DECIMAL rounding is HALF_UP (ties away from zero) on the exact value, as Java's BigDecimal in Flink:
# CAST to a smaller scale, ROUND / TRUNCATE / FLOOR / CEIL, and division at Flink's result scale
# (DECIMAL(10, 4) / INT is DECIMAL(21, 15): scale max(6, 4 + 10 + 1)).
table t (a DECIMAL(10, 4))
---- query
SELECT a, CAST(a AS DECIMAL(10, 2)), ROUND(a, 2), ROUND(a, 0), TRUNCATE(a, 2), FLOOR(a), CEIL(a), ABS(a), a / 3, -a
FROM t
---- input t
{"a": 1.2345}
{"a": 1.2355}
{"a": -2.505}
{"a": 0.005}
{"a": -0.005}
{"a": "2.5"}
{"a": "-2.5"}
---- output
+I[1.2345, 1.23, 1.23, 1, 1.23, 1, 2, 1.2345, 0.411500000000000, -1.2345]
+I[1.2355, 1.24, 1.24, 1, 1.23, 1, 2, 1.2355, 0.411833333333333, -1.2355]
+I[-2.5050, -2.51, -2.51, -3, -2.50, -3, -2, 2.5050, -0.835000000000000, 2.5050]
+I[0.0050, 0.01, 0.01, 0, 0.00, 0, 1, 0.0050, 0.001666666666667, -0.0050]
+I[-0.0050, -0.01, -0.01, 0, 0.00, -1, 0, 0.0050, -0.001666666666667, 0.0050]
+I[2.5000, 2.50, 2.50, 3, 2.50, 2, 3, 2.5000, 0.833333333333333, -2.5000]
+I[-2.5000, -2.50, -2.50, -3, -2.50, -3, -2, 2.5000, -0.833333333333333, 2.5000]
