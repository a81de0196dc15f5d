# Two commas in a select list: the error points at the second one.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k,
  , v FROM t
---- fail
SQL error at line 2, column 3: expected an expression, found ','
