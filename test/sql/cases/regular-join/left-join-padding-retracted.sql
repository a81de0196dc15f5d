# LEFT JOIN of two streams: a left row without a match is emitted padded with NULLs; when its first match
# arrives the padded row is retracted (-D) and the joined row inserted (+I); later matches just +I.
table orders (order_id STRING, amount INT, rowtime TIMESTAMP ROWTIME)
table payments (order_id STRING, method STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.order_id, o.amount, p.method FROM orders o LEFT JOIN payments p ON o.order_id = p.order_id
---- input orders
{"order_id": "o1", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
{"order_id": "o2", "amount": 20, "rowtime": "2026-01-01 09:00:01"}
---- input payments
{"order_id": "o1", "method": "card", "rowtime": "2026-01-01 09:00:02"}
---- input payments
{"order_id": "o1", "method": "cash", "rowtime": "2026-01-01 09:00:03"}
{"order_id": "o3", "method": "card", "rowtime": "2026-01-01 09:00:04"}
---- input orders
{"order_id": "o3", "amount": 30, "rowtime": "2026-01-01 09:00:05"}
---- output
+I[o1, 10, NULL]
+I[o2, 20, NULL]
-D[o1, 10, NULL]
+I[o1, 10, card]
+I[o1, 10, cash]
+I[o3, 30, card]
