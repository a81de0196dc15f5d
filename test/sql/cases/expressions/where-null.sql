# WHERE drops rows whose condition is FALSE or NULL; NOT of NULL is still NULL.
table t (a INT, s STRING)
---- query
SELECT s FROM t WHERE NOT (a > 1)
---- input t
{"a": 1, "s": "one"}
{"a": 2, "s": "two"}
{"a": null, "s": "null"}
---- output
+I[one]
