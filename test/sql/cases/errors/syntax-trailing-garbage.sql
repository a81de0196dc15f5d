# Text after the end of the statement.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k FROM t t2 t3
---- fail
SQL error at line 1, column 20: expected ';' (end of statement), found 't3'
