# A UDF in WHERE and in a projection with built-ins.
table t (id STRING, tags ARRAY<STRING>)
---- query
SELECT id, UPPER(ElementAt(tags, -1)) AS last_tag FROM t WHERE ListContains(tags, 'vip')
---- input t
{"id": "a", "tags": ["vip", "new"]}
{"id": "b", "tags": ["new"]}
{"id": "c", "tags": null}
---- output
+I[a, NEW]
