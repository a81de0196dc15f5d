# COALESCE takes the first non-NULL; NULLIF(a, b) is NULL when equal; IF treats a NULL condition as false.
table t (a INT, b INT)
---- query
SELECT COALESCE(a, b, 0), NULLIF(a, 1), IF(a > 1, 'y', 'n'), COALESCE(a, 2.5) FROM t
---- input t
{"a": 1, "b": 5}
{"a": null, "b": 5}
{"a": null, "b": null}
{"a": 3, "b": null}
---- output
+I[1, NULL, n, 1.0]
+I[5, NULL, n, 2.5]
+I[0, NULL, n, 2.5]
+I[3, 3, y, 3.0]
