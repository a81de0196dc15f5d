# NOT EXISTS is an anti join (as Flink plans it): an order without a payment is emitted at once and retracted
# when a matching payment arrives; a NULL key never matches, so that order stays.
table orders (id STRING, customer STRING, rowtime TIMESTAMP ROWTIME)
table payments (customer STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.id, o.customer FROM orders o
WHERE NOT EXISTS (SELECT * FROM payments p WHERE p.customer = o.customer)
---- input orders
{"id": "o1", "customer": "ann", "rowtime": "2026-01-01 09:00:00"}
{"id": "o2", "customer": "bob", "rowtime": "2026-01-01 09:00:01"}
{"id": "o3", "customer": null, "rowtime": "2026-01-01 09:00:02"}
---- input payments
{"customer": "ann", "rowtime": "2026-01-01 09:00:03"}
{"customer": "ann", "rowtime": "2026-01-01 09:00:04"}
---- input orders
{"id": "o4", "customer": "ann", "rowtime": "2026-01-01 09:00:05"}
{"id": "o5", "customer": "cid", "rowtime": "2026-01-01 09:00:06"}
---- output
+I[o1, ann]
+I[o2, bob]
+I[o3, NULL]
-D[o1, ann]
+I[o5, cid]
