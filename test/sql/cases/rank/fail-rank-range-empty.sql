table orders (order_id STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM (SELECT *, DENSE_RANK() OVER (ORDER BY amount) AS rk FROM orders) WHERE rk BETWEEN 3 AND 2
---- fail
SQL error at line 1, column 90: the rank filter keeps no rows (rk from 3 to 2)
