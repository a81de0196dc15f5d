# x IN (SELECT ...) is a semi join: an order is emitted once, when its first matching vip customer arrives
# (in either order), however many match; a NULL customer never matches.
table orders (id STRING, customer STRING, amount INT, rowtime TIMESTAMP ROWTIME)
table vip (customer STRING, since INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id, amount FROM orders WHERE customer IN (SELECT customer FROM vip WHERE since < 2020) AND amount > 5
---- input orders
{"id": "o1", "customer": "ann", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
{"id": "o2", "customer": "bob", "amount": 20, "rowtime": "2026-01-01 09:00:01"}
{"id": "o3", "customer": null, "amount": 30, "rowtime": "2026-01-01 09:00:02"}
{"id": "o4", "customer": "ann", "amount": 1, "rowtime": "2026-01-01 09:00:03"}
---- input vip
{"customer": "ann", "since": 2010, "rowtime": "2026-01-01 09:00:04"}
{"customer": "ann", "since": 2015, "rowtime": "2026-01-01 09:00:05"}
{"customer": "bob", "since": 2024, "rowtime": "2026-01-01 09:00:06"}
---- input orders
{"id": "o5", "customer": "ann", "amount": 50, "rowtime": "2026-01-01 09:00:07"}
---- output
+I[o1, 10]
+I[o5, 50]
