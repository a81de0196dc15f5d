# Dagger example 1 (dagger.md section 3), verbatim.
table booking (order_number STRING, service_type STRING, service_area_id INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT count(1) as booking_count, TUMBLE_END(rowtime, INTERVAL '60' SECOND) AS window_timestamp
from `booking` GROUP BY TUMBLE (rowtime, INTERVAL '60' SECOND)
---- input booking
{"order_number": "o1", "service_type": "GO_RIDE", "service_area_id": 1, "rowtime": "2026-01-01 09:00:01"}
{"order_number": "o2", "service_type": "GO_FOOD", "service_area_id": 2, "rowtime": "2026-01-01 09:00:59.999"}
{"order_number": "o3", "service_type": "GO_RIDE", "service_area_id": 1, "rowtime": "2026-01-01 09:01:00"}
watermark 2026-01-01 09:01:30
{"order_number": "o4", "service_type": "GO_RIDE", "service_area_id": 1, "rowtime": "2026-01-01 09:03:10"}
---- output
+I[2, 2026-01-01 09:01:00]
+I[1, 2026-01-01 09:02:00]
+I[1, 2026-01-01 09:04:00]
