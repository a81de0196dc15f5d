# JSON_VALUE reads a scalar by path; a missing path, an object or bad JSON gives NULL.
table t (j STRING)
---- query
SELECT JSON_VALUE(j, '$.a.b'), JSON_VALUE(j, '$.list[1]'), JSON_VALUE(j, '$.missing'), JSON_VALUE(j, '$.a') FROM t
---- input t
{"j": "{\"a\": {\"b\": \"x\"}, \"list\": [10, 20]}"}
{"j": "not json"}
{"j": null}
---- output
+I[x, 20, NULL, NULL]
+I[NULL, NULL, NULL, NULL]
+I[NULL, NULL, NULL, NULL]
