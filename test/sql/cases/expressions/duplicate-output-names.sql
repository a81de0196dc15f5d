# Repeated output column names get a counter as in Flink (id, id0), and the renamed columns can be selected.
table a (id STRING, v INT)
table b (id STRING, v INT)
---- query
SELECT id0, v, v0, x0 FROM (SELECT *, 'p' AS x, 'q' AS x FROM a JOIN b ON a.id = b.id)
---- input a
{"id": "k", "v": 1}
---- input b
{"id": "k", "v": 2}
---- output
+I[k, 1, 2, q]
