# FROM without a table name.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k FROM WHERE v > 1
---- fail
SQL error at line 1, column 15: expected a name, found 'WHERE'
