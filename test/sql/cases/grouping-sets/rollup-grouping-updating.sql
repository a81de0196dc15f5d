# ROLLUP(a, b) is GROUPING SETS ((a, b), (a), ()); GROUPING(a, b) tells the levels apart (bit set = key
# not grouped). Each level is an updating aggregation: the second batch updates the rows it touches.
# An aggregate's argument still sees the key's value (SUM(b) in the grand total).
table t (a STRING, b INT)
---- query
SELECT a, b, GROUPING(a, b) AS g, COUNT(*) AS n, SUM(b) AS s FROM t GROUP BY ROLLUP(a, b)
---- input t
{"a": "x", "b": 1}
{"a": "x", "b": 2}
---- input t
{"a": "y", "b": 1}
---- output unordered
+I[x, 1, 0, 1, 1]
+I[x, 2, 0, 1, 2]
+I[x, NULL, 1, 2, 3]
+I[NULL, NULL, 3, 2, 3]
+I[y, 1, 0, 1, 1]
+I[y, NULL, 1, 1, 1]
-U[NULL, NULL, 3, 2, 3]
+U[NULL, NULL, 3, 3, 4]
