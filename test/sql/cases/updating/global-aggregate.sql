# An aggregate without GROUP BY is one updating row.
table t (v INT)
---- query
SELECT COUNT(*) AS n, SUM(v) AS s, AVG(v) AS a FROM t
---- input t
{"v": 1}
{"v": 2}
batch
{"v": 6}
---- output
+I[2, 3, 1]
-U[2, 3, 1]
+U[3, 9, 3]
