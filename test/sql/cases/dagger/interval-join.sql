# Dagger example 3 (dagger.md section 3), verbatim: interval join then TUMBLE on the booking time.
table booking (order_number STRING, service_type STRING, order_amount DOUBLE, rowtime TIMESTAMP ROWTIME)
table payment (order_id STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT booking.service_type as tag_service_type, count(order_number) as number_of_orders,
  sum(order_amount) as total_amount, TUMBLE_END(booking.rowtime, INTERVAL '60' MINUTE) AS window_timestamp
from `booking` join `payment` ON booking.order_number = payment.order_id
  AND payment.rowtime BETWEEN booking.rowtime AND booking.rowtime + INTERVAL '5' MINUTE
GROUP BY TUMBLE (booking.rowtime, INTERVAL '60' MINUTE), booking.service_type
---- input booking
{"order_number": "o1", "service_type": "GO_RIDE", "order_amount": 10.5, "rowtime": "2026-01-01 09:10:00"}
{"order_number": "o2", "service_type": "GO_RIDE", "order_amount": 20, "rowtime": "2026-01-01 09:20:00"}
{"order_number": "o3", "service_type": "GO_FOOD", "order_amount": 7, "rowtime": "2026-01-01 09:30:00"}
{"order_number": "o4", "service_type": "GO_FOOD", "order_amount": 9, "rowtime": "2026-01-01 09:40:00"}
---- input payment
# o1 paid in time, o2 too late (6 min), o3 in time, o4 paid before the booking (not in the interval)
{"order_id": "o1", "amount": 10.5, "rowtime": "2026-01-01 09:12:00"}
{"order_id": "o2", "amount": 20, "rowtime": "2026-01-01 09:26:00"}
{"order_id": "o3", "amount": 7, "rowtime": "2026-01-01 09:35:00"}
{"order_id": "o4", "amount": 9, "rowtime": "2026-01-01 09:39:00"}
---- output
+I[GO_RIDE, 1, 10.5, 2026-01-01 10:00:00]
+I[GO_FOOD, 1, 7.0, 2026-01-01 10:00:00]
