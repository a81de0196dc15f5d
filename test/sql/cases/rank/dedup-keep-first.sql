# Deduplication keeping the first row per key (ORDER BY rowtime ASC, rn = 1): append-only. A key's row is
# emitted once the watermark passes it, so an out-of-order earlier row (o1 at 09:00:05) still wins.
table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT order_id, status, rowtime FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY rowtime ASC) AS rn FROM orders
) WHERE rn = 1
---- input orders
{"order_id": "o1", "status": "PAID", "rowtime": "2026-01-01 09:00:10"}
{"order_id": "o2", "status": "NEW", "rowtime": "2026-01-01 09:00:20"}
{"order_id": "o1", "status": "NEW", "rowtime": "2026-01-01 09:00:05"}
watermark 2026-01-01 09:00:15
{"order_id": "o1", "status": "DONE", "rowtime": "2026-01-01 09:00:30"}
{"order_id": "o2", "status": "OLD", "rowtime": "2026-01-01 09:00:14"}
{"order_id": "o3", "status": "NEW", "rowtime": "2026-01-01 09:00:40"}
{"order_id": "o2", "status": "PAID", "rowtime": "2026-01-01 09:00:25"}
---- output
+I[o1, NEW, 2026-01-01 09:00:05]
+I[o2, NEW, 2026-01-01 09:00:20]
+I[o3, NEW, 2026-01-01 09:00:40]
