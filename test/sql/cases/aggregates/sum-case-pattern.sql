# Conditional counting inside aggregates (a common Dagger pattern), and a ratio of two aggregates.
table booking (status STRING, service_type STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT service_type,
  SUM(CASE WHEN status = 'COMPLETED' THEN 1 ELSE 0 END) AS completed,
  SUM(CASE WHEN status = 'CANCELLED' THEN 1 ELSE 0 END) AS cancelled,
  CAST(SUM(CASE WHEN status = 'COMPLETED' THEN 1 ELSE 0 END) AS DOUBLE) / COUNT(*) AS completion_rate
FROM booking GROUP BY service_type, TUMBLE(rowtime, INTERVAL '1' HOUR)
---- input booking
{"status": "COMPLETED", "service_type": "GO_RIDE", "rowtime": "2026-01-01 09:00:01"}
{"status": "CANCELLED", "service_type": "GO_RIDE", "rowtime": "2026-01-01 09:10:00"}
{"status": "COMPLETED", "service_type": "GO_RIDE", "rowtime": "2026-01-01 09:20:00"}
{"status": null, "service_type": "GO_RIDE", "rowtime": "2026-01-01 09:30:00"}
---- output
+I[GO_RIDE, 2, 1, 0.5]
