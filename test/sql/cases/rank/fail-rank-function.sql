table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM (SELECT *, PERCENT_RANK() OVER (PARTITION BY order_id ORDER BY rowtime) AS pr FROM orders) WHERE pr = 1
---- fail
SQL error at line 1, column 26: PERCENT_RANK() OVER is not supported; use ROW_NUMBER(), RANK() or DENSE_RANK() for Top-N or an aggregate such as SUM(...) OVER
