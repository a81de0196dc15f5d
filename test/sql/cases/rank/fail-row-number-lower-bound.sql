table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY rowtime) AS rn FROM orders) WHERE rn > 1
---- fail
SQL error at line 1, column 113: supported row-number filters are rn = 1, rn <= N and rn < N with an integer literal N; a lower bound (rn > 1) is not
