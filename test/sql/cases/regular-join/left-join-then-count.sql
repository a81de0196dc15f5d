# A GROUP BY over a LEFT JOIN consumes its retractions: payments per order, 0 until one arrives.
table orders (order_id STRING, amount INT, rowtime TIMESTAMP ROWTIME)
table payments (order_id STRING, method STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.order_id, COUNT(p.method) AS payments
FROM orders o LEFT JOIN payments p ON o.order_id = p.order_id
GROUP BY o.order_id
---- input orders
{"order_id": "o1", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
---- input payments
{"order_id": "o1", "method": "card", "rowtime": "2026-01-01 09:00:02"}
---- input payments
{"order_id": "o1", "method": "cash", "rowtime": "2026-01-01 09:00:03"}
---- output
+I[o1, 0]
-U[o1, 0]
+U[o1, 1]
-U[o1, 1]
+U[o1, 2]
