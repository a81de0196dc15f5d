# LEFT JOIN UNNEST(...) ON TRUE keeps rows whose array is NULL or empty, padded with NULL.
table orders (id STRING, tags ARRAY<STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.id, t.tag FROM orders o LEFT JOIN UNNEST(o.tags) AS t(tag) ON TRUE
---- input orders
{"id": "a", "tags": ["x", "y"], "rowtime": "2026-01-01 09:00:00"}
{"id": "b", "tags": [], "rowtime": "2026-01-01 09:00:01"}
{"id": "c", "tags": null, "rowtime": "2026-01-01 09:00:02"}
{"id": "d", "tags": [null], "rowtime": "2026-01-01 09:00:03"}
---- output
+I[a, x]
+I[a, y]
+I[b, NULL]
+I[c, NULL]
+I[d, NULL]
