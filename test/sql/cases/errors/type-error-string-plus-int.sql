# Arithmetic on a string is a type error at the operator.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT 'a' + 1 FROM t
---- fail
SQL error at line 1, column 12: operator + needs numbers, found STRING and INT
