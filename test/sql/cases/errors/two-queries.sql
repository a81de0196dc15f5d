# Only one statement may be a query; the others must be views.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k FROM t;
SELECT s FROM t
---- fail
SQL error at line 2, column 1: only one query may produce the job output; put the others in CREATE TEMPORARY VIEW
