# An extra SELECT * layer between the ROW_NUMBER and its filter: still deduplication (keep last).
table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT order_id, status FROM (
  SELECT * FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY rowtime DESC) AS rn FROM orders
  ) t
) WHERE rn = 1
---- input orders
{"order_id": "o1", "status": "NEW", "rowtime": "2026-01-01 09:00:05"}
{"order_id": "o2", "status": "NEW", "rowtime": "2026-01-01 09:00:06"}
{"order_id": "o1", "status": "PAID", "rowtime": "2026-01-01 09:00:07"}
---- output
+I[o1, NEW]
+I[o2, NEW]
-U[o1, NEW]
+U[o1, PAID]
