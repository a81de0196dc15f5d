# IN (sub-query) is not supported.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k FROM t WHERE k IN (SELECT s FROM t)
---- fail
SQL error at line 1, column 29: IN (sub-query) is not supported on streams; use a join
