# A missing closing parenthesis.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT (v + 1 FROM t
---- fail
SQL error at line 1, column 15: expected ')', found 'FROM'
