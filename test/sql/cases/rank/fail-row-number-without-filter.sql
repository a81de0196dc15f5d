table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT order_id, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY rowtime) AS rn FROM orders
---- fail
SQL error at line 1, column 18: ROW_NUMBER() is only supported for Top-N and deduplication: select it in a sub-query and filter it in the outer WHERE (rn = 1 or rn <= N)
