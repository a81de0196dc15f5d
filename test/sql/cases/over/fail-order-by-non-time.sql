table t (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, SUM(x) OVER (PARTITION BY k ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t
---- fail
SQL error at line 1, column 48: OVER windows must be ordered by the event-time attribute, found INT
