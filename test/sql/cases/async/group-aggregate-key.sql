# A non-windowed GROUP BY with an async key inside an expression: an updating result per looked-up key.
table booking (service_type STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
dart-get surge {"GO_RIDE": "high", "GO_FOOD": "low", "GO_SEND": "high"}
---- query
SELECT UPPER(DartGet('surge', service_type, 1, 'none')) AS m, COUNT(*) AS n FROM booking GROUP BY UPPER(DartGet('surge', service_type, 1, 'none'))
---- input booking
{"service_type": "GO_RIDE", "amount": 10, "rowtime": "2026-01-01 09:00:01"}
{"service_type": "GO_FOOD", "amount": 10, "rowtime": "2026-01-01 09:00:02"}
batch
{"service_type": "GO_SEND", "amount": 2, "rowtime": "2026-01-01 09:00:03"}
{"service_type": "GO_MART", "amount": 3, "rowtime": "2026-01-01 09:00:04"}
---- output
+I[HIGH, 1]
+I[LOW, 1]
-U[HIGH, 1]
+U[HIGH, 2]
+I[NONE, 1]
