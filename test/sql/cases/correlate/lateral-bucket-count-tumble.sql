# A Dagger-style histogram: buckets per request, counted per TUMBLE window (the time attribute survives).
table requests (service STRING, latency DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT service, bucket, COUNT(*) AS requests, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS window_timestamp
FROM requests, LATERAL TABLE(HistogramBucket(latency, '5,10')) AS T(bucket)
GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), service, bucket
---- input requests
{"service": "api", "latency": 3, "rowtime": "2026-01-01 09:00:00"}
{"service": "api", "latency": 7, "rowtime": "2026-01-01 09:00:20"}
{"service": "api", "latency": 12, "rowtime": "2026-01-01 09:00:40"}
---- output
+I[api, +Inf, 3, 2026-01-01 09:01:00]
+I[api, 5, 1, 2026-01-01 09:01:00]
+I[api, 10, 2, 2026-01-01 09:01:00]
