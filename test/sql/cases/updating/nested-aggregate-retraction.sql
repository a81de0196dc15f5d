# An aggregate over an updating aggregate consumes its retractions: how many keys have each count.
table t (k STRING)
---- query
SELECT n, COUNT(*) AS keys FROM (SELECT k, COUNT(*) AS n FROM t GROUP BY k) GROUP BY n
---- input t
{"k": "a"}
{"k": "b"}
batch
{"k": "a"}
batch
{"k": "b"}
---- output
+I[1, 2]
-U[1, 2]
+U[1, 1]
+I[2, 1]
-D[1, 1]
-U[2, 1]
+U[2, 2]
