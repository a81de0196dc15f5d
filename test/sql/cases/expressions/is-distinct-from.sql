# IS [NOT] DISTINCT FROM treats NULL as a value.
table t (a INT, b INT)
---- query
SELECT a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b FROM t
---- input t
{"a": 1, "b": 1}
{"a": 1, "b": 2}
{"a": 1, "b": null}
{"a": null, "b": null}
---- output
+I[false, true]
+I[true, false]
+I[true, false]
+I[false, true]
