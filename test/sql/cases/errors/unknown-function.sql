# An unknown function suggests the closest name.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT UPPPER(k) FROM t
---- fail
SQL error at line 1, column 8: unknown function UPPPER (did you mean UPPER?)
