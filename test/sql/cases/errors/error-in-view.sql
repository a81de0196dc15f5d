# An error inside a view definition points into the view's text.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
CREATE TEMPORARY VIEW v1 AS
  SELECT k, missing FROM t;
SELECT k FROM v1
---- fail
SQL error at line 2, column 13: column 'missing' not found; available: k, v, s, arr, r, rowtime
