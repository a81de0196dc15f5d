# An unknown column in WHERE on the second line.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k
FROM t WHERE   nope > 1
---- fail
SQL error at line 2, column 16: column 'nope' not found; available: k, v, s, arr, r, rowtime
