# Updates flow through stacked aggregations within the same batch: the outer result of a batch is emitted at
# the end of that batch, before the next batch's rows (here: marker rows from the second UNION ALL input).
table t (k STRING)
---- query
SELECT n, COUNT(*) AS keys FROM (SELECT k, COUNT(*) AS n FROM t GROUP BY k) GROUP BY n
UNION ALL
SELECT CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM t
---- input t
{"k": "a"}
batch
{"k": "b"}
---- output
+I[0, 0]
+I[1, 1]
+I[0, 0]
-U[1, 1]
+U[1, 2]
