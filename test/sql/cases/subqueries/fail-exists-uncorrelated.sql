table orders (id STRING, customer STRING, rowtime TIMESTAMP ROWTIME)
table vip (customer STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id FROM orders
WHERE EXISTS (SELECT 1 FROM vip WHERE vip.customer <> 'x')
---- fail
SQL error at line 2, column 52: EXISTS needs an equality between a column of the sub-query and a column of the outer query in its WHERE (an uncorrelated EXISTS is not supported on streams)
