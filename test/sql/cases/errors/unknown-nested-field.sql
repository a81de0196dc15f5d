# A nested field that the ROW type does not have lists its fields.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT r.zz FROM t
---- fail
SQL error at line 1, column 8: field 'zz' not found; ROW<`a` INT, `b` STRING> has a, b
