# Non-windowed GROUP BY is an updating result: +I for a new key, then one -U/+U pair per key per batch.
table t (k STRING, v INT)
---- query
SELECT k, COUNT(*) AS n, SUM(v) AS s FROM t GROUP BY k
---- input t
{"k": "a", "v": 1}
{"k": "b", "v": 2}
batch
{"k": "a", "v": 3}
{"k": "a", "v": 4}
batch
{"k": "b", "v": null}
---- output
+I[a, 1, 1]
+I[b, 1, 2]
-U[a, 1, 1]
+U[a, 3, 8]
-U[b, 1, 2]
+U[b, 2, 2]
