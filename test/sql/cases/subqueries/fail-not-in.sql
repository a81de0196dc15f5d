# NOT IN (sub-query) is refused: a NULL among the sub-query's values makes it unknown for every row.
table orders (id STRING, customer STRING, rowtime TIMESTAMP ROWTIME)
table vip (customer STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id FROM orders
WHERE customer NOT IN (SELECT customer FROM vip)
---- fail
SQL error at line 2, column 16: NOT IN (sub-query) is not supported yet: one NULL among the sub-query values makes NOT IN unknown for every row, which a streaming anti join does not express; use NOT EXISTS with an equality (NULLs never match there)
