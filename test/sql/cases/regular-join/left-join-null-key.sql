# A NULL join key never matches (not even another NULL); the outer side's row is emitted padded.
table a (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
table b (k STRING, y INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT a.k, a.x, b.y FROM a LEFT JOIN b ON a.k = b.k
---- input b
{"k": null, "y": 1, "rowtime": "2026-01-01 09:00:00"}
---- input a
{"k": null, "x": 7, "rowtime": "2026-01-01 09:00:01"}
---- output
+I[NULL, 7, NULL]
