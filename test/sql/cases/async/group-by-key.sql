# An async function (DartGet, evalAsync) as a GROUP BY key of a window: an async pre-step looks the key up for
# the whole batch before the rows reach the window; the SELECT reads the key column.
table booking (service_type STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
dart-get surge {"GO_RIDE": "1.5", "GO_FOOD": "1.1", "GO_SEND": "1.5"}
---- query
SELECT DartGet('surge', service_type, 1, 'none') AS surge, COUNT(*) AS n, SUM(amount) AS total
FROM booking
GROUP BY DartGet('surge', service_type, 1, 'none'), TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input booking
{"service_type": "GO_RIDE", "amount": 10, "rowtime": "2026-01-01 09:00:01"}
{"service_type": "GO_FOOD", "amount": 5, "rowtime": "2026-01-01 09:00:02"}
{"service_type": "GO_SEND", "amount": 2, "rowtime": "2026-01-01 09:00:03"}
watermark 2026-01-01 09:00:30
{"service_type": "GO_MART", "amount": 1, "rowtime": "2026-01-01 09:00:40"}
{"service_type": "GO_RIDE", "amount": 4, "rowtime": "2026-01-01 09:01:10"}
watermark 2026-01-01 09:01:00
---- output unordered
+I[1.5, 2, 12.0]
+I[1.1, 1, 5.0]
+I[none, 1, 1.0]
+I[1.5, 1, 4.0]
