# Scalar sub-queries are not supported on streams.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, (SELECT MAX(v) FROM t) FROM t
---- fail
SQL error at line 1, column 11: scalar sub-queries are not supported on streams; use a join
