# LEFT interval join: matched left rows join as usual; a left row without a match is emitted NULL-padded
# once the watermark passes its time + upper bound (it cannot match any more).
table booking (order_number STRING, rowtime TIMESTAMP ROWTIME)
table payment (order_id STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT booking.order_number, payment.amount FROM booking LEFT JOIN payment ON booking.order_number = payment.order_id
  AND payment.rowtime BETWEEN booking.rowtime AND booking.rowtime + INTERVAL '5' MINUTE
---- input booking
{"order_number": "o1", "rowtime": "2026-01-01 09:00:00"}
{"order_number": "o2", "rowtime": "2026-01-01 09:01:00"}
{"order_number": "o3", "rowtime": "2026-01-01 09:20:00"}
watermark 2026-01-01 09:30:00
---- input payment
{"order_id": "o1", "amount": 10, "rowtime": "2026-01-01 09:02:00"}
{"order_id": "o2", "amount": 20, "rowtime": "2026-01-01 09:07:00"}
watermark 2026-01-01 09:10:00
---- output
+I[o1, 10.0]
+I[o2, NULL]
+I[o3, NULL]
