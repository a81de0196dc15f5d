# UNION ALL inputs with different numbers of columns.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, v FROM t UNION ALL SELECT k FROM t
---- fail
SQL error at line 1, column 20: UNION ALL inputs have different numbers of columns (2 and 1) in input 2
