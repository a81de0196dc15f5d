# Event-time temporal join (Flink docs, "Event Time Temporal Join", the currency example): each order is
# joined with the rate its currency had at the order's time, i.e. the last version at or before it. Euro
# changes at 11:15, so o6 (11:20) gets 119 and o1/o4 get 114; Pounds has no version before 11:49, so o7
# (11:30) has no match in an INNER join. Rows leave when the watermark passes them, in time order.
table orders (order_id STRING, amount INT, currency STRING, order_time TIMESTAMP(3) ROWTIME)
table currency_rates (currency STRING, rate INT, update_time TIMESTAMP(3) ROWTIME, PRIMARY KEY (currency))
---- query
SELECT o.order_id, o.amount * r.rate AS total, o.currency, r.rate, o.order_time
FROM orders AS o
JOIN currency_rates FOR SYSTEM_TIME AS OF o.order_time AS r
ON o.currency = r.currency
---- input currency_rates
{"currency": "Yen", "rate": 102, "update_time": "2026-01-01 09:00:00"}
{"currency": "Euro", "rate": 114, "update_time": "2026-01-01 09:00:00"}
{"currency": "USD", "rate": 1, "update_time": "2026-01-01 09:00:00"}
-U {"currency": "Euro", "rate": 114, "update_time": "2026-01-01 11:15:00"}
+U {"currency": "Euro", "rate": 119, "update_time": "2026-01-01 11:15:00"}
{"currency": "Pounds", "rate": 108, "update_time": "2026-01-01 11:49:00"}
---- input orders
{"order_id": "o1", "amount": 2, "currency": "Euro", "order_time": "2026-01-01 10:15:00"}
{"order_id": "o2", "amount": 1, "currency": "USD", "order_time": "2026-01-01 10:30:00"}
{"order_id": "o3", "amount": 50, "currency": "Yen", "order_time": "2026-01-01 10:32:00"}
{"order_id": "o4", "amount": 3, "currency": "Euro", "order_time": "2026-01-01 10:52:00"}
{"order_id": "o5", "amount": 5, "currency": "USD", "order_time": "2026-01-01 11:04:00"}
{"order_id": "o6", "amount": 2, "currency": "Euro", "order_time": "2026-01-01 11:20:00"}
{"order_id": "o7", "amount": 1, "currency": "Pounds", "order_time": "2026-01-01 11:30:00"}
---- output
+I[o1, 228, Euro, 114, 2026-01-01 10:15:00]
+I[o2, 1, USD, 1, 2026-01-01 10:30:00]
+I[o3, 5100, Yen, 102, 2026-01-01 10:32:00]
+I[o4, 342, Euro, 114, 2026-01-01 10:52:00]
+I[o5, 5, USD, 1, 2026-01-01 11:04:00]
+I[o6, 238, Euro, 119, 2026-01-01 11:20:00]
