# The old-style comma join with the conditions in WHERE is planned as an interval join.
table booking (order_number STRING, service_type STRING, rowtime TIMESTAMP ROWTIME)
table payment (order_id STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT b.order_number, p.amount FROM booking b, payment p
WHERE b.order_number = p.order_id AND b.service_type = 'GO_RIDE'
  AND p.rowtime BETWEEN b.rowtime AND b.rowtime + INTERVAL '5' MINUTE
---- input booking
{"order_number": "o1", "service_type": "GO_RIDE", "rowtime": "2026-01-01 09:00:00"}
{"order_number": "o2", "service_type": "GO_FOOD", "rowtime": "2026-01-01 09:00:00"}
---- input payment
{"order_id": "o1", "amount": 12.5, "rowtime": "2026-01-01 09:01:00"}
{"order_id": "o2", "amount": 3, "rowtime": "2026-01-01 09:01:00"}
---- output
+I[o1, 12.5]
