# HAVING over an updating aggregate filters each change: a key appears (as +U) once it matches and
# its update pair is dropped while it does not.
table t (k STRING, v INT)
---- query
SELECT k, SUM(v) AS s FROM t GROUP BY k HAVING SUM(v) > 3
---- input t
{"k": "a", "v": 2}
batch
{"k": "a", "v": 2}
batch
{"k": "a", "v": 1}
---- output
+U[a, 4]
-U[a, 4]
+U[a, 5]
