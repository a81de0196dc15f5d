table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id) AS rn FROM orders) WHERE rn = 1
---- fail
SQL error at line 1, column 26: ROW_NUMBER() needs ORDER BY in its OVER clause
