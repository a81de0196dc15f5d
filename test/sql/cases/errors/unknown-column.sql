# An unknown column lists the columns in scope.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, vv FROM t
---- fail
SQL error at line 1, column 11: column 'vv' not found; available: k, v, s, arr, r, rowtime
