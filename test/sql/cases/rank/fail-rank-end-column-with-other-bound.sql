# A rank end from a column must be the only rank filter (Flink's RankUtil finds no rank range otherwise).
table items (category STRING, n INT, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY amount) AS rn FROM items) WHERE rn <= n AND rn > 1
---- fail
SQL error at line 1, column 111: a rank end taken from a column must be the only filter on 'rn' (no other bound beside it)
