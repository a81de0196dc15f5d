# UNION ALL of two different tables; the output takes the first input's column names and widened types.
table rides (id STRING, fare INT, rowtime TIMESTAMP ROWTIME)
table food (order_id STRING, total DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id, fare AS amount, 'ride' AS kind FROM rides
UNION ALL
SELECT order_id, total, 'food' FROM food
---- input rides
{"id": "r1", "fare": 10, "rowtime": "2026-01-01 09:00:00"}
---- input food
{"order_id": "f1", "total": 2.5, "rowtime": "2026-01-01 09:00:01"}
---- input rides
{"id": "r2", "fare": null, "rowtime": "2026-01-01 09:00:02"}
---- output
+I[r1, 10.0, ride]
+I[f1, 2.5, food]
+I[r2, NULL, ride]
