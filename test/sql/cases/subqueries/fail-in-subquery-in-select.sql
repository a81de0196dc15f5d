table orders (id STRING, customer STRING, rowtime TIMESTAMP ROWTIME)
table vip (customer STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id, customer IN (SELECT customer FROM vip) AS is_vip FROM orders
---- fail
SQL error at line 1, column 21: IN (sub-query) is only supported as a condition of WHERE, alone or AND-ed with others (it plans as a semi join)
