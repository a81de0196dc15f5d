# ... and in an aggregate's FILTER clause.
table booking (service_type STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
dart-get surge {"GO_RIDE": "1.5", "GO_FOOD": "1"}
---- query
SELECT COUNT(*) FILTER (WHERE DartGet('surge', service_type, 1, '0') = '1') AS n, COUNT(*) AS total
FROM booking
GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input booking
{"service_type": "GO_RIDE", "amount": 10, "rowtime": "2026-01-01 09:00:01"}
{"service_type": "GO_FOOD", "amount": 10, "rowtime": "2026-01-01 09:00:02"}
{"service_type": "GO_FOOD", "amount": 2, "rowtime": "2026-01-01 09:00:03"}
{"service_type": "GO_SEND", "amount": 3, "rowtime": "2026-01-01 09:01:04"}
---- output
+I[2, 3]
+I[0, 1]
