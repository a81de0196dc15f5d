# WITH ORDINALITY appends the 1-based position of each element.
table orders (id STRING, tags ARRAY<STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id, tag, pos FROM orders CROSS JOIN UNNEST(tags) WITH ORDINALITY AS t(tag, pos)
---- input orders
{"id": "a", "tags": ["x", null, "z"], "rowtime": "2026-01-01 09:00:00"}
{"id": "b", "tags": null, "rowtime": "2026-01-01 09:00:01"}
---- output
+I[a, x, 1]
+I[a, NULL, 2]
+I[a, z, 3]
