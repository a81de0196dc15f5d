# WITH (common table expressions), one referring to another.
table t (k STRING, v INT)
---- query
WITH big AS (SELECT k, v FROM t WHERE v > 1),
     doubled AS (SELECT k, v * 2 AS v2 FROM big)
SELECT k, v2 FROM doubled WHERE k <> 'x'
---- input t
{"k": "a", "v": 1}
{"k": "b", "v": 2}
{"k": "x", "v": 5}
---- output
+I[b, 4]
