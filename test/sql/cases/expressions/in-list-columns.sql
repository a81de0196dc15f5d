# IN with non-constant items compares each; a NULL item makes a miss UNKNOWN.
table t (a INT, b INT, c INT)
---- query
SELECT a IN (b, c), a IN (b + 1, 10) FROM t
---- input t
{"a": 1, "b": 1, "c": null}
{"a": 2, "b": 1, "c": null}
{"a": 2, "b": 3, "c": 4}
---- output
+I[true, false]
+I[NULL, true]
+I[false, false]
