# LIMIT on an unbounded stream.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k FROM t LIMIT 10
---- fail
SQL error at line 1, column 17: LIMIT on an unbounded stream is not supported; use ROW_NUMBER() OVER (...) <= n
