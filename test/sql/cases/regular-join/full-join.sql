# FULL OUTER JOIN: both sides padded until matched; several rows per key multiply.
table a (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
table b (k STRING, y INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT a.k AS ak, a.x, b.k AS bk, b.y FROM a FULL JOIN b ON a.k = b.k
---- input a
{"k": "k1", "x": 1, "rowtime": "2026-01-01 09:00:00"}
{"k": "k2", "x": 2, "rowtime": "2026-01-01 09:00:00"}
---- input b
{"k": "k1", "y": 10, "rowtime": "2026-01-01 09:00:01"}
{"k": "k3", "y": 30, "rowtime": "2026-01-01 09:00:01"}
---- input a
{"k": "k1", "x": 11, "rowtime": "2026-01-01 09:00:02"}
{"k": "k3", "x": 3, "rowtime": "2026-01-01 09:00:02"}
---- output
+I[k1, 1, NULL, NULL]
+I[k2, 2, NULL, NULL]
-D[k1, 1, NULL, NULL]
+I[k1, 1, k1, 10]
+I[NULL, NULL, k3, 30]
+I[k1, 11, k1, 10]
-D[NULL, NULL, k3, 30]
+I[k3, 3, k3, 30]
