# Two output columns with the same name.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, s AS k FROM t
---- fail
SQL error at line 1, column 11: the output has two columns named 'k'; give one an alias with AS
