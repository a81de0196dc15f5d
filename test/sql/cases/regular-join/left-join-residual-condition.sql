# Extra ON conditions are part of the join, not a filter: a left row whose only candidates fail them stays padded.
table orders (order_id STRING, amount INT, rowtime TIMESTAMP ROWTIME)
table payments (order_id STRING, paid INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.order_id, p.paid FROM orders o LEFT JOIN payments p ON o.order_id = p.order_id AND p.paid >= o.amount
---- input orders
{"order_id": "o1", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
{"order_id": "o2", "amount": 20, "rowtime": "2026-01-01 09:00:00"}
---- input payments
{"order_id": "o1", "paid": 5, "rowtime": "2026-01-01 09:00:01"}
{"order_id": "o2", "paid": 25, "rowtime": "2026-01-01 09:00:01"}
---- input payments
{"order_id": "o1", "paid": 10, "rowtime": "2026-01-01 09:00:02"}
---- output
+I[o1, NULL]
+I[o2, NULL]
-D[o2, NULL]
+I[o2, 25]
-D[o1, NULL]
+I[o1, 10]
