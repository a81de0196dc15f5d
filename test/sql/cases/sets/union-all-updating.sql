# UNION ALL of an updating aggregate and an append-only stream keeps the changelog kinds.
table t (k STRING)
---- query
SELECT k, COUNT(*) AS n FROM t GROUP BY k
UNION ALL
SELECT k, CAST(-1 AS BIGINT) FROM t WHERE k = 'b'
---- input t
{"k": "a"}
batch
{"k": "a"}
{"k": "b"}
---- output
+I[a, 1]
+I[b, -1]
-U[a, 1]
+U[a, 2]
+I[b, 1]
