# ORDER BY on a column that is not the ascending time attribute.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, v FROM t ORDER BY v
---- fail
SQL error at line 1, column 29: ORDER BY on a stream is only supported on the ascending time attribute; use ROW_NUMBER() OVER (...) for Top-N
