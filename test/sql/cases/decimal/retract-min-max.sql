# MIN / MAX / SUM / AVG over an updating input of DECIMAL: a retraction restores the previous extreme and the
# exact sum (the inner query's per-key totals change; the outer aggregates retract the old total).
table t (k STRING, v DECIMAL(10, 2))
---- query
SELECT MIN(s), MAX(s), SUM(s), AVG(s), COUNT(*) FROM (SELECT k, SUM(v) AS s FROM t GROUP BY k)
---- input t
{"k": "a", "v": 0.1}
{"k": "b", "v": 0.2}
batch
{"k": "a", "v": 0.3}
batch
{"k": "b", "v": -0.2}
---- output
+I[0.10, 0.20, 0.30, 0.150000, 2]
-U[0.10, 0.20, 0.30, 0.150000, 2]
+U[0.20, 0.40, 0.60, 0.300000, 2]
-U[0.20, 0.40, 0.60, 0.300000, 2]
+U[0.00, 0.40, 0.40, 0.200000, 2]
