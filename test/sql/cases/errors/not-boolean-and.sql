# AND with a non-boolean operand points at the operand.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k FROM t WHERE v > 1 AND s
---- fail
SQL error at line 1, column 33: expected a BOOLEAN condition, found STRING
