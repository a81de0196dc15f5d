# UNION without ALL.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k FROM t UNION SELECT s FROM t
---- fail
SQL error at line 1, column 17: UNION without ALL needs global deduplication; use UNION ALL (and DISTINCT on top if you need it)
