# DOUBLE arithmetic, division by zero gives Infinity / NaN as in Java; mixed INT and DOUBLE widens.
table t (x DOUBLE, a INT)
---- query
SELECT x * 2, x / 4, x + a, x / 0, -x / 0, x - x, a / 2.0e0 FROM t
---- input t
{"x": 1.5, "a": 3}
{"x": 0, "a": 1}
{"x": null, "a": 1}
---- output
+I[3.0, 0.375, 4.5, Infinity, -Infinity, 0.0, 1.5]
+I[0.0, 0.0, 1.0, NaN, NaN, 0.0, 0.5]
+I[NULL, NULL, NULL, NULL, NULL, NULL, 0.5]
