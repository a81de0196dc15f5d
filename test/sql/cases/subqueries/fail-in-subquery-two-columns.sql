table orders (id STRING, customer STRING, rowtime TIMESTAMP ROWTIME)
table vip (customer STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id FROM orders WHERE customer IN (SELECT customer, rowtime FROM vip)
---- fail
SQL error at line 1, column 42: IN (sub-query) needs a sub-query of one column, found 2
