table orders (id STRING, tags ARRAY<STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id FROM orders CROSS JOIN UNNEST(tags) AS t(tag, extra)
---- fail
SQL error at line 1, column 34: UNNEST produces 1 column (EXPR$0), but the alias names 2
