# TRY_CAST never fails; integer division by a non-zero divisor truncates toward zero; DOUBLE / 0 is Infinity, as Java.
table t (s STRING, a INT, b INT, x DOUBLE)
---- query
SELECT TRY_CAST(s AS INT), a / b, x / 0
FROM t
---- input t
{"s": "abc", "a": -7, "b": 2, "x": 1}
---- output
+I[NULL, -3, Infinity]
