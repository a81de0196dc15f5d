# SELECT DISTINCT emits each distinct row once.
table t (k STRING, v INT)
---- query
SELECT DISTINCT k, v FROM t
---- input t
{"k": "a", "v": 1}
{"k": "a", "v": 1}
{"k": "b", "v": null}
batch
{"k": "a", "v": 1}
{"k": "b", "v": null}
{"k": "a", "v": 2}
---- output
+I[a, 1]
+I[b, NULL]
+I[a, 2]
