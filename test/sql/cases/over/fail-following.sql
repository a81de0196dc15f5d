table t (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(x) OVER (ORDER BY rowtime ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t
---- fail
SQL error at line 1, column 67: only frames ending at CURRENT ROW are supported on streams; expected CURRENT ROW, found '1'
