# Deduplication keeping the last row (ORDER BY rowtime DESC): an updating result, -U/+U as newer rows come.
# An older row (o1 at 09:00:01) does not replace the kept one.
table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT order_id, status FROM (
  SELECT order_id, status, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY rowtime DESC) AS rownum FROM orders
) WHERE rownum = 1
---- input orders
{"order_id": "o1", "status": "NEW", "rowtime": "2026-01-01 09:00:05"}
{"order_id": "o2", "status": "NEW", "rowtime": "2026-01-01 09:00:06"}
{"order_id": "o1", "status": "PAID", "rowtime": "2026-01-01 09:00:10"}
{"order_id": "o1", "status": "LOST", "rowtime": "2026-01-01 09:00:01"}
{"order_id": "o1", "status": "DONE", "rowtime": "2026-01-01 09:00:10"}
---- output
+I[o1, NEW]
+I[o2, NEW]
-U[o1, NEW]
+U[o1, PAID]
-U[o1, PAID]
+U[o1, DONE]
