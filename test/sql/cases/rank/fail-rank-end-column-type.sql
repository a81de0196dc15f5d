# Flink reads a variable rank end as BIGINT, INT or SMALLINT only.
table items (category STRING, n STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY amount) AS rn FROM items) WHERE rn <= n
---- fail
SQL error at line 1, column 111: a rank end taken from a column must be an integer (BIGINT, INT, SMALLINT, TINYINT); 'n' is STRING
