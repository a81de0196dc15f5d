# SELECT * keeps the row number column (always 1 for deduplication).
table orders (order_id STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY rowtime DESC) AS rn FROM orders
) WHERE rn <= 1
---- input orders
{"order_id": "o1", "amount": 5, "rowtime": "2026-01-01 09:00:05"}
{"order_id": "o1", "amount": 7, "rowtime": "2026-01-01 09:00:07"}
---- output
+I[o1, 5, 2026-01-01 09:00:05, 1]
-U[o1, 5, 2026-01-01 09:00:05, 1]
+U[o1, 7, 2026-01-01 09:00:07, 1]
