table orders (id STRING, tags STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id, tag FROM orders CROSS JOIN UNNEST(tags) AS t(tag)
---- fail
SQL error at line 1, column 46: UNNEST needs an ARRAY or a MAP, found STRING
