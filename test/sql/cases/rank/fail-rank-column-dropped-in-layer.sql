# The middle layer drops the row number, so nothing can filter it.
table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT order_id FROM (
  SELECT order_id, status FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY rowtime) AS rn FROM orders
  )
) WHERE status = 'NEW'
---- fail
SQL error at line 3, column 15: ROW_NUMBER() needs a filter on 'rn' in the outer WHERE (rn = 1 for deduplication, rn <= N for Top-N)
