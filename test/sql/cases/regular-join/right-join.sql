# RIGHT JOIN: the right side is the preserved one.
table orders (order_id STRING, amount INT, rowtime TIMESTAMP ROWTIME)
table payments (order_id STRING, method STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT p.order_id, o.amount, p.method FROM orders o RIGHT OUTER JOIN payments p ON o.order_id = p.order_id
---- input payments
{"order_id": "o1", "method": "card", "rowtime": "2026-01-01 09:00:02"}
{"order_id": "o2", "method": "cash", "rowtime": "2026-01-01 09:00:03"}
---- input orders
{"order_id": "o1", "amount": 10, "rowtime": "2026-01-01 09:00:04"}
{"order_id": "o9", "amount": 90, "rowtime": "2026-01-01 09:00:05"}
---- output
+I[o1, NULL, card]
+I[o2, NULL, cash]
-D[o1, NULL, card]
+I[o1, 10, card]
