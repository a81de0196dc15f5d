table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY rowtime) AS rn FROM orders) WHERE status = 'x'
---- fail
SQL error at line 1, column 26: ROW_NUMBER() needs a filter on 'rn' in the outer WHERE (rn = 1 for deduplication, rn <= N for Top-N)
