# HAVING on a group key and on an aggregate in a non-windowed GROUP BY.
table t (k STRING, v INT)
---- query
SELECT k, COUNT(*) AS n FROM t GROUP BY k HAVING k <> 'x' AND MIN(v) >= 0
---- input t
{"k": "a", "v": 1}
{"k": "x", "v": 1}
{"k": "b", "v": -1}
batch
{"k": "a", "v": 2}
---- output
+I[a, 1]
-U[a, 1]
+U[a, 2]
