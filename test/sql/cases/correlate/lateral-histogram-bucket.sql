# Dagger's HistogramBucket table function: one row '+Inf' plus one per bound >= the value; NULL yields no row.
table requests (service STRING, latency DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT service, bucket FROM requests, LATERAL TABLE(HistogramBucket(latency, '1,5,10')) AS T(bucket)
---- input requests
{"service": "api", "latency": 3, "rowtime": "2026-01-01 09:00:00"}
{"service": "api", "latency": 11, "rowtime": "2026-01-01 09:00:01"}
{"service": "web", "latency": null, "rowtime": "2026-01-01 09:00:02"}
{"service": "web", "latency": 1, "rowtime": "2026-01-01 09:00:03"}
---- output
+I[api, +Inf]
+I[api, 5]
+I[api, 10]
+I[api, +Inf]
+I[web, +Inf]
+I[web, 1]
+I[web, 5]
+I[web, 10]
