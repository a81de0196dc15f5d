# Nested fields in WHERE and in arithmetic.
table booking (order_number STRING, customer ROW<id STRING, tier INT>, price ROW<amount DOUBLE, currency STRING>)
---- query
SELECT order_number, customer.id, price.amount * 2 AS doubled FROM booking WHERE customer.tier >= 2 AND price.currency = 'IDR'
---- input booking
{"order_number": "o1", "customer": {"id": "c1", "tier": 2}, "price": {"amount": 10.5, "currency": "IDR"}}
{"order_number": "o2", "customer": {"id": "c2", "tier": 1}, "price": {"amount": 3, "currency": "IDR"}}
{"order_number": "o3", "customer": {"id": "c3", "tier": 3}, "price": {"amount": 3, "currency": "USD"}}
{"order_number": "o4", "customer": {"id": "c4", "tier": 3}, "price": {"amount": 1, "currency": "IDR"}}
---- output
+I[o1, c1, 21.0]
+I[o4, c4, 2.0]
