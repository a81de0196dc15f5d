# A BOOLEAN column as the whole WHERE condition and combined with NOT / IS NOT TRUE.
table t (id INT, active BOOLEAN)
---- query
SELECT id, NOT active, active IS NOT TRUE FROM t WHERE active OR active IS NULL
---- input t
{"id": 1, "active": true}
{"id": 2, "active": false}
{"id": 3, "active": null}
---- output
+I[1, false, false]
+I[3, NULL, true]
