# An aggregate in WHERE.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k FROM t WHERE COUNT(*) > 1
---- fail
SQL error at line 1, column 23: aggregate function COUNT is not allowed here
