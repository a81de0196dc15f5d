# An async call inside an aggregate's argument: looked up per row by the pre-step, then summed.
table booking (service_type STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
dart-get surge {"GO_RIDE": "1.5", "GO_FOOD": "1.1"}
---- query
SELECT service_type,
  SUM(amount * CAST(DartGet('surge', service_type, 1, '1') AS DOUBLE)) AS s
FROM booking
GROUP BY service_type, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input booking
{"service_type": "GO_RIDE", "amount": 10, "rowtime": "2026-01-01 09:00:01"}
{"service_type": "GO_FOOD", "amount": 10, "rowtime": "2026-01-01 09:00:02"}
{"service_type": "GO_RIDE", "amount": 2, "rowtime": "2026-01-01 09:00:03"}
{"service_type": "GO_SEND", "amount": 3, "rowtime": "2026-01-01 09:00:04"}
---- output unordered
+I[GO_RIDE, 18.0]
+I[GO_FOOD, 11.0]
+I[GO_SEND, 3.0]
