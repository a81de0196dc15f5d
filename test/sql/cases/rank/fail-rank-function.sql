table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM (SELECT *, RANK() OVER (PARTITION BY order_id ORDER BY rowtime) AS rn FROM orders) WHERE rn = 1
---- fail
SQL error at line 1, column 26: RANK() OVER is not supported; use ROW_NUMBER() for Top-N or an aggregate such as SUM(...) OVER
