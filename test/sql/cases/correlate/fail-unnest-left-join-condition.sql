table orders (id STRING, tags ARRAY<STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id, tag FROM orders LEFT JOIN UNNEST(tags) AS t(tag) ON tag = 'x'
---- fail
SQL error at line 1, column 68: LEFT JOIN UNNEST needs the condition ON TRUE
