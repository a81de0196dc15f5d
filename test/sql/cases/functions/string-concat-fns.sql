# CONCAT is NULL if any argument is NULL; CONCAT_WS skips NULL arguments.
table t (a STRING, b STRING)
---- query
SELECT CONCAT(a, b, '!'), CONCAT_WS('-', a, b, 'z') FROM t
---- input t
{"a": "x", "b": "y"}
{"a": "x", "b": null}
---- output
+I[xy!, x-y-z]
+I[NULL, x-z]
