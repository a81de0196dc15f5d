# TUMBLE by key with TUMBLE_START / TUMBLE_END / TUMBLE_ROWTIME (end - 1 ms); windows fire when the watermark passes.
table booking (order_number STRING, service_type STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT service_type, COUNT(*) AS n, SUM(amount) AS total,
  TUMBLE_START(rowtime, INTERVAL '1' MINUTE) AS ws, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS we,
  TUMBLE_ROWTIME(rowtime, INTERVAL '1' MINUTE) AS wt
FROM booking GROUP BY service_type, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input booking
{"order_number": "o1", "service_type": "GO_RIDE", "amount": 10, "rowtime": "2026-01-01 09:00:01"}
{"order_number": "o2", "service_type": "GO_FOOD", "amount": 20, "rowtime": "2026-01-01 09:00:30"}
{"order_number": "o3", "service_type": "GO_RIDE", "amount": 5, "rowtime": "2026-01-01 09:00:59"}
{"order_number": "o4", "service_type": "GO_RIDE", "amount": 1, "rowtime": "2026-01-01 09:01:10"}
---- output unordered
+I[GO_RIDE, 2, 15, 2026-01-01 09:00:00, 2026-01-01 09:01:00, 2026-01-01 09:00:59.999]
+I[GO_FOOD, 1, 20, 2026-01-01 09:00:00, 2026-01-01 09:01:00, 2026-01-01 09:00:59.999]
+I[GO_RIDE, 1, 1, 2026-01-01 09:01:00, 2026-01-01 09:02:00, 2026-01-01 09:01:59.999]
