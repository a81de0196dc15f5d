# UNION ALL of three inputs, including the same table twice with different filters.
table t (k STRING, v INT)
table u (k STRING, v INT)
---- query
SELECT k, v FROM t WHERE v > 1
UNION ALL SELECT k, v * 10 FROM t WHERE v <= 1
UNION ALL SELECT k, v FROM u
---- input t
{"k": "a", "v": 1}
{"k": "b", "v": 2}
---- input u
{"k": "c", "v": 3}
---- output unordered
+I[b, 2]
+I[a, 10]
+I[c, 3]
