table t (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(x) OVER (ORDER BY rowtime DESC) FROM t
---- fail
SQL error at line 1, column 30: OVER windows must be ordered by the time attribute ascending
