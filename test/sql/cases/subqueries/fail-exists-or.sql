# EXISTS under OR cannot be a semi join of the whole input.
table orders (id STRING, customer STRING, rowtime TIMESTAMP ROWTIME)
table vip (customer STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id FROM orders o
WHERE o.id = 'x' OR EXISTS (SELECT 1 FROM vip v WHERE v.customer = o.customer)
---- fail
SQL error at line 2, column 21: EXISTS (sub-query) is only supported as a condition of WHERE, alone or AND-ed with others (it plans as a semi join)
