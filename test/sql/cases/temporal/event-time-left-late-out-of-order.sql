# Event-time LEFT temporal join with out-of-order versions and orders, a delete, and late orders.
# - EUR's 10:05 version arrives before its 10:00 one: versions are ordered by their time, not arrival.
# - The join's watermark is the minimum of both inputs (orders 10:20, rates 10:30 -> 10:20): the five orders
#   up to 10:20 leave then, in time order (b before a), each with the version valid at its time.
# - USD is deleted at 10:10: c (10:12) has no version (NULL-padded); GBP never had one.
# - After the watermark 10:20 each key keeps only the version valid at 10:20 and later ones (EUR: 110 from
#   10:05; USD: gone). The late orders (10:02 and 10:05, below the watermark when they come) are not dropped:
#   Flink emits them at the next watermark (min(10:40, 10:30) = 10:30) with what is left, so no version.
table orders (order_id STRING, currency STRING, order_time TIMESTAMP(3) ROWTIME)
table rates (currency STRING, rate INT, update_time TIMESTAMP(3) ROWTIME, PRIMARY KEY (currency))
---- query
SELECT o.order_id, o.currency, r.rate, o.order_time
FROM orders AS o
LEFT JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r
ON o.currency = r.currency
---- input rates
{"currency": "EUR", "rate": 110, "update_time": "2026-01-01 10:05:00"}
{"currency": "EUR", "rate": 100, "update_time": "2026-01-01 10:00:00"}
{"currency": "USD", "rate": 1, "update_time": "2026-01-01 10:00:00"}
-D {"currency": "USD", "rate": 1, "update_time": "2026-01-01 10:10:00"}
watermark 2026-01-01 10:30:00
---- input orders
{"order_id": "a", "currency": "EUR", "order_time": "2026-01-01 10:03:00"}
{"order_id": "b", "currency": "EUR", "order_time": "2026-01-01 10:01:00"}
{"order_id": "c", "currency": "USD", "order_time": "2026-01-01 10:12:00"}
{"order_id": "d", "currency": "GBP", "order_time": "2026-01-01 10:06:00"}
{"order_id": "e", "currency": "EUR", "order_time": "2026-01-01 10:07:00"}
{"order_id": "f", "currency": "EUR", "order_time": "2026-01-01 10:25:00"}
watermark 2026-01-01 10:20:00
---- input orders
{"order_id": "late", "currency": "EUR", "order_time": "2026-01-01 10:02:00"}
{"order_id": "late2", "currency": "USD", "order_time": "2026-01-01 10:05:00"}
watermark 2026-01-01 10:40:00
---- output
+I[b, EUR, 100, 2026-01-01 10:01:00]
+I[a, EUR, 100, 2026-01-01 10:03:00]
+I[d, GBP, NULL, 2026-01-01 10:06:00]
+I[e, EUR, 110, 2026-01-01 10:07:00]
+I[c, USD, NULL, 2026-01-01 10:12:00]
+I[late, EUR, NULL, 2026-01-01 10:02:00]
+I[late2, USD, NULL, 2026-01-01 10:05:00]
+I[f, EUR, 110, 2026-01-01 10:25:00]
