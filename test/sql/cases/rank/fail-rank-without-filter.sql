table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT order_id, DENSE_RANK() OVER (PARTITION BY order_id ORDER BY rowtime) AS rk FROM orders
---- fail
SQL error at line 1, column 18: DENSE_RANK() is only supported for Top-N and deduplication: select it in a sub-query and filter it in the outer WHERE (rk = 1 or rk <= N)
