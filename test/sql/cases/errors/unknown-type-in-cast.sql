# CAST to an unknown type.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT CAST(v AS FOO) FROM t
---- fail
SQL error at line 1, column 8: unknown type FOO
