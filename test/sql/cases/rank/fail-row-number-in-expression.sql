table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY rowtime) + 1 AS rn FROM orders) WHERE rn = 1
---- fail
SQL error at line 1, column 26: ROW_NUMBER() OVER (...) must be a whole SELECT item (e.g. ROW_NUMBER() OVER (PARTITION BY k ORDER BY rowtime) AS rn)
