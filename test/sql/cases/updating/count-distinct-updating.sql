# COUNT(DISTINCT) in a non-windowed aggregation.
table t (k STRING, u STRING)
---- query
SELECT k, COUNT(DISTINCT u) AS users, COUNT(*) AS events FROM t GROUP BY k
---- input t
{"k": "a", "u": "x"}
{"k": "a", "u": "x"}
batch
{"k": "a", "u": "y"}
{"k": "a", "u": null}
---- output
+I[a, 1, 2]
-U[a, 1, 2]
+U[a, 2, 4]
