table t (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, SUM(n) OVER (ORDER BY rowtime) FROM (SELECT k, COUNT(*) AS n, MAX(rowtime) AS rowtime FROM t GROUP BY k)
---- fail
SQL error at line 1, column 33: OVER windows must be ordered by the event-time attribute, found TIMESTAMP(3)
