# WHERE needs a BOOLEAN condition.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k FROM t WHERE v + 1
---- fail
SQL error at line 1, column 25: WHERE needs a BOOLEAN condition, found INT
