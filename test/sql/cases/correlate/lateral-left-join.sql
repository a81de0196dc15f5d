# LEFT JOIN LATERAL TABLE(...) ON TRUE keeps the rows the function produces nothing for.
table requests (service STRING, latency DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT service, latency, bucket
FROM requests LEFT JOIN LATERAL TABLE(HistogramBucket(latency, '1,5')) AS T(bucket) ON TRUE
---- input requests
{"service": "api", "latency": 4, "rowtime": "2026-01-01 09:00:00"}
{"service": "web", "latency": null, "rowtime": "2026-01-01 09:00:02"}
---- output
+I[api, 4.0, +Inf]
+I[api, 4.0, 5]
+I[web, NULL, NULL]
