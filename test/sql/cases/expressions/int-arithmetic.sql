# INT arithmetic: Java semantics (division truncates toward zero, % takes the dividend's sign), NULL propagates.
table t (a INT, b INT)
---- query
SELECT a + b, a - b, a * b, a / b, a % b, -a FROM t
---- input t
{"a": 7, "b": 2}
{"a": -7, "b": 2}
{"a": 7, "b": -2}
{"a": null, "b": 2}
{"a": 7, "b": null}
---- output
+I[9, 5, 14, 3, 1, -7]
+I[-5, -9, -14, -3, -1, 7]
+I[5, 9, -14, -3, 1, -7]
+I[NULL, NULL, NULL, NULL, NULL, NULL]
+I[NULL, NULL, NULL, NULL, NULL, -7]
