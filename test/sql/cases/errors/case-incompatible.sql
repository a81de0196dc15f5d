# CASE branches with incompatible types.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT CASE WHEN v > 1 THEN arr ELSE 1 END FROM t
---- fail
SQL error at line 1, column 8: CASE branches have incompatible types: ARRAY<INT>, INT
