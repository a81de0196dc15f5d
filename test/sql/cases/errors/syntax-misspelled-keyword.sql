# A misspelled keyword is a syntax error at its position.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELEC k FROM t
---- fail
SQL error at line 1, column 1: expected SELECT, found 'SELEC'
