# SUM of a string.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(s) FROM t GROUP BY k
---- fail
SQL error at line 1, column 8: SUM needs a numeric argument, found STRING
