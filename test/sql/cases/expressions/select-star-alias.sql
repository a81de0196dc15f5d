# SELECT *, qualified and backquoted columns, AS aliases and a string alias.
table t (a INT, val STRING)
---- query
SELECT *, t.`val` AS v2, a * 10 'times_ten' FROM t
---- input t
{"a": 1, "val": "x"}
---- output
+I[1, x, x, 10]
