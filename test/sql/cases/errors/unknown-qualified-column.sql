# A qualified column that the table does not have.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT t.zz FROM t
---- fail
SQL error at line 1, column 8: column 'zz' not found in 't'; available: k, v, s, arr, r, rowtime
