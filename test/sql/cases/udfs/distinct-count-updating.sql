# A Dagger aggregate in a non-windowed GROUP BY, and over an updating input (uses its retract).
table t (k STRING, u STRING)
---- query
SELECT DistinctCount(u) AS users FROM (SELECT k, LAST_VALUE(u) AS u FROM t GROUP BY k)
---- input t
{"k": "a", "u": "x"}
{"k": "b", "u": "y"}
batch
{"k": "b", "u": "x"}
---- output
+I[2]
-U[2]
+U[1]
