# Deduplication (first row per order) feeding a TUMBLE count: repeated events of an order count once.
table events (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*) AS orders, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS we FROM (
  SELECT order_id, rowtime FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY rowtime ASC) AS rn FROM events
  ) WHERE rn = 1
) GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input events
{"order_id": "o1", "status": "NEW", "rowtime": "2026-01-01 09:00:01"}
{"order_id": "o1", "status": "PAID", "rowtime": "2026-01-01 09:00:02"}
{"order_id": "o2", "status": "NEW", "rowtime": "2026-01-01 09:00:03"}
{"order_id": "o1", "status": "DONE", "rowtime": "2026-01-01 09:01:03"}
{"order_id": "o3", "status": "NEW", "rowtime": "2026-01-01 09:01:04"}
---- output
+I[2, 2026-01-01 09:01:00]
+I[1, 2026-01-01 09:02:00]
