# The ROW_NUMBER sub-query may be a view, filtered by the query that reads it.
table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
CREATE TEMPORARY VIEW ranked AS
SELECT order_id, status, rowtime, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY rowtime DESC) AS rn FROM orders;
SELECT order_id, status FROM ranked WHERE rn = 1
---- input orders
{"order_id": "o1", "status": "NEW", "rowtime": "2026-01-01 09:00:05"}
{"order_id": "o1", "status": "PAID", "rowtime": "2026-01-01 09:00:06"}
---- output
+I[o1, NEW]
-U[o1, NEW]
+U[o1, PAID]
