# ABS, CEIL, FLOOR, ROUND (half up), POWER, SQRT, LN, LOG10, MOD with Java signs.
table t (x DOUBLE, a INT)
---- query
SELECT ABS(a), CEIL(x), FLOOR(x), ROUND(x, 1), ROUND(x), POWER(2, 10), SQRT(16), LN(1), LOG10(1000), MOD(a, 3) FROM t
---- input t
{"x": 2.25, "a": -7}
{"x": -2.5, "a": 7}
{"x": null, "a": null}
---- output
+I[7, 3.0, 2.0, 2.3, 2.0, 1024.0, 4.0, 0.0, 3.0, -1]
+I[7, -2.0, -3.0, -2.5, -3.0, 1024.0, 4.0, 0.0, 3.0, 1]
+I[NULL, NULL, NULL, NULL, NULL, 1024.0, 4.0, 0.0, 3.0, NULL]
