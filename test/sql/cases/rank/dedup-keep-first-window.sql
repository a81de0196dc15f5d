# First-row deduplication keeps the time attribute, so its append-only result can feed a TUMBLE window.
table orders (order_id STRING, service STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT service, COUNT(*) AS orders, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS window_end
FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY rowtime) AS rn FROM orders) AS d
WHERE rn = 1
GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), service
---- input orders
{"order_id": "o1", "service": "ride", "rowtime": "2026-01-01 09:00:10"}
{"order_id": "o1", "service": "ride", "rowtime": "2026-01-01 09:00:20"}
{"order_id": "o2", "service": "ride", "rowtime": "2026-01-01 09:00:30"}
{"order_id": "o3", "service": "food", "rowtime": "2026-01-01 09:00:40"}
{"order_id": "o3", "service": "food", "rowtime": "2026-01-01 09:01:40"}
---- output
+I[ride, 2, 2026-01-01 09:01:00]
+I[food, 1, 2026-01-01 09:01:00]
