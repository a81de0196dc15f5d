# MAX over an updating input restores the previous maximum when the current one is retracted.
table t (k STRING, v INT)
---- query
SELECT MAX(s) AS best, MIN(s) AS worst FROM (SELECT k, SUM(v) AS s FROM t GROUP BY k)
---- input t
{"k": "a", "v": 10}
{"k": "b", "v": 5}
batch
{"k": "a", "v": -8}
---- output
+I[10, 5]
-U[10, 5]
+U[5, 2]
