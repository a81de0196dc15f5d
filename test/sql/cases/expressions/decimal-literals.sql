# DECIMAL literals add exactly at their scale (0.1 + 0.2 = 0.3) and print with their scale.
table t (a INT)
---- query
SELECT 0.1 + 0.2, 1.50 + a, 2.5 * 2, a * 1.25 FROM t
---- input t
{"a": 2}
---- output
+I[0.3, 3.50, 5.0, 2.50]
