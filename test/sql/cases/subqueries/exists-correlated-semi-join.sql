# A correlated EXISTS with an equality is a semi join on it; the rest of the sub-query's WHERE (here a
# comparison between both sides) is checked per pair.
table orders (id STRING, customer STRING, amount INT, rowtime TIMESTAMP ROWTIME)
table payments (customer STRING, paid INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.id FROM orders o
WHERE EXISTS (SELECT 1 FROM payments p WHERE p.customer = o.customer AND p.paid >= o.amount)
---- input orders
{"id": "o1", "customer": "ann", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
{"id": "o2", "customer": "ann", "amount": 100, "rowtime": "2026-01-01 09:00:01"}
{"id": "o3", "customer": "bob", "amount": 5, "rowtime": "2026-01-01 09:00:02"}
---- input payments
{"customer": "ann", "paid": 50, "rowtime": "2026-01-01 09:00:03"}
{"customer": "ann", "paid": 60, "rowtime": "2026-01-01 09:00:04"}
{"customer": "bob", "paid": 1, "rowtime": "2026-01-01 09:00:05"}
---- output
+I[o1]
