# SELECT * with GROUP BY.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM t GROUP BY k
---- fail
SQL error at line 1, column 8: SELECT * cannot be used with GROUP BY
