# Flink requires the versioned table's primary key in the join's equalities.
table orders (order_id STRING, currency STRING, order_time TIMESTAMP(3) ROWTIME)
table rates (currency STRING, region STRING, rate INT, update_time TIMESTAMP(3) ROWTIME, PRIMARY KEY (currency, region))
---- query
SELECT o.order_id, r.rate
FROM orders AS o
JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r
ON o.currency = r.currency
---- fail
SQL error at line 4, column 15: the primary key [currency, region] of the versioned table rates must be equal to the left input in ON (a temporal join looks versions up by key)
