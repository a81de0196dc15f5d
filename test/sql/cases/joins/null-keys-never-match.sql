# NULL = NULL is not true: rows with a NULL in any join key component never match, also with two keys.
table a (x STRING, y STRING)
table b (x STRING, y STRING, tag STRING)
---- query
SELECT a.x, a.y, b.tag FROM a JOIN b ON a.x = b.x AND a.y = b.y
---- input a
{"x": "k", "y": null}
{"x": "k", "y": "v"}
{"x": null, "y": null}
---- input b
{"x": "k", "y": null, "tag": "null-y"}
{"x": "k", "y": "v", "tag": "v"}
{"x": null, "y": null, "tag": "all-null"}
---- output
+I[k, v, v]
