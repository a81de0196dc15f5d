# An array of ROWs unnests into one column per field; a NULL element gives NULL fields.
table orders (id STRING, items ARRAY<ROW<sku STRING, qty INT>>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id, sku, qty FROM orders CROSS JOIN UNNEST(items) AS i(sku, qty)
---- input orders
{"id": "a", "items": [{"sku": "p1", "qty": 2}, {"sku": "p2", "qty": null}], "rowtime": "2026-01-01 09:00:00"}
{"id": "b", "items": [null], "rowtime": "2026-01-01 09:00:01"}
---- output
+I[a, p1, 2]
+I[a, p2, NULL]
+I[b, NULL, NULL]
