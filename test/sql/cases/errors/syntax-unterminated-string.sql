# An unterminated string literal points at its opening quote.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k FROM t WHERE s = 'abc
---- fail
SQL error at line 1, column 27: unterminated string literal
