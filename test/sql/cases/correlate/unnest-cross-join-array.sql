# CROSS JOIN UNNEST: one row per element; a NULL or empty array yields no row, a NULL element a NULL value.
table orders (id STRING, tags ARRAY<STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.id, t.tag FROM orders AS o CROSS JOIN UNNEST(o.tags) AS t(tag)
---- input orders
{"id": "a", "tags": ["x", "y", "z"], "rowtime": "2026-01-01 09:00:00"}
{"id": "b", "tags": [], "rowtime": "2026-01-01 09:00:01"}
{"id": "c", "tags": null, "rowtime": "2026-01-01 09:00:02"}
{"id": "d", "tags": ["x", null], "rowtime": "2026-01-01 09:00:03"}
---- output
+I[a, x]
+I[a, y]
+I[a, z]
+I[d, x]
+I[d, NULL]
