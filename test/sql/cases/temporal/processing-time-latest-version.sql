# Processing-time temporal join against a keyed table: each order is joined, when it arrives, with the
# latest version of its key (updated by +U, removed by -D); an order whose key has no version has no match.
table orders (order_id STRING, currency STRING)
table rates (currency STRING, rate INT, PRIMARY KEY (currency))
---- query
SELECT o.order_id, r.currency, r.rate
FROM (SELECT *, PROCTIME() AS pt FROM orders) AS o
JOIN rates FOR SYSTEM_TIME AS OF o.pt AS r
ON o.currency = r.currency
---- input rates
{"currency": "EUR", "rate": 100}
---- input orders
{"order_id": "a", "currency": "EUR"}
{"order_id": "b", "currency": "USD"}
---- input rates
-U {"currency": "EUR", "rate": 100}
+U {"currency": "EUR", "rate": 110}
{"currency": "USD", "rate": 1}
---- input orders
{"order_id": "c", "currency": "EUR"}
{"order_id": "d", "currency": "USD"}
---- input rates
-D {"currency": "EUR", "rate": 110}
---- input orders
{"order_id": "e", "currency": "EUR"}
{"order_id": "f", "currency": "USD"}
---- output
+I[a, EUR, 100]
+I[c, EUR, 110]
+I[d, USD, 1]
+I[f, USD, 1]
