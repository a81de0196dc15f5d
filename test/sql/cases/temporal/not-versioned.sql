# A temporal join needs a versioned table: one with a primary key.
table orders (order_id STRING, currency STRING, order_time TIMESTAMP(3) ROWTIME)
table rates (currency STRING, rate INT, update_time TIMESTAMP(3) ROWTIME)
---- query
SELECT o.order_id, r.rate
FROM orders AS o
JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r
ON o.currency = r.currency
---- fail
SQL error at line 3, column 6: a temporal join needs a versioned table: rates has no PRIMARY KEY (an upsert or changelog table with a primary key)
