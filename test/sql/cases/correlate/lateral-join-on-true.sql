# JOIN LATERAL TABLE(...) ON TRUE is an inner correlate; the function's own column name applies without a list.
table requests (service STRING, latency DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT service, T.bucket FROM requests JOIN LATERAL TABLE(HistogramBucket(latency, '2,4')) AS T ON TRUE
---- input requests
{"service": "api", "latency": 3, "rowtime": "2026-01-01 09:00:00"}
{"service": "web", "latency": null, "rowtime": "2026-01-01 09:00:02"}
---- output
+I[api, +Inf]
+I[api, 4]
