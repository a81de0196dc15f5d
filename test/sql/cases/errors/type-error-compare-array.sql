# Comparing an array with a number is a type error.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k FROM t WHERE arr = 1
---- fail
SQL error at line 1, column 27: cannot compare ARRAY<INT> with INT
