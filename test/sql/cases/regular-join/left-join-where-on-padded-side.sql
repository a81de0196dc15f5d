# A WHERE conjunct on the NULL-padded side of a LEFT JOIN stays above the join: it drops the padded rows (and their
# retractions) as it always did; one on the preserved side is evaluated before the join.
table orders (order_id STRING, amount INT, rowtime TIMESTAMP ROWTIME)
table payments (order_id STRING, paid INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.order_id, p.paid FROM orders o LEFT JOIN payments p ON o.order_id = p.order_id WHERE o.amount > 5 AND p.paid IS NOT NULL
---- input orders
{"order_id": "o1", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
{"order_id": "o2", "amount": 1, "rowtime": "2026-01-01 09:00:00"}
{"order_id": "o3", "amount": 30, "rowtime": "2026-01-01 09:00:00"}
---- input payments
{"order_id": "o1", "paid": 10, "rowtime": "2026-01-01 09:00:01"}
{"order_id": "o2", "paid": 1, "rowtime": "2026-01-01 09:00:01"}
---- output
+I[o1, 10]
