# A key whose result does not change in a batch emits nothing.
table t (k STRING, v INT)
---- query
SELECT k, MAX(v) AS m FROM t GROUP BY k
---- input t
{"k": "a", "v": 5}
batch
{"k": "a", "v": 3}
batch
{"k": "a", "v": 7}
---- output
+I[a, 5]
-U[a, 5]
+U[a, 7]
