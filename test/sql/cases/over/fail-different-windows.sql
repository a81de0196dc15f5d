table t (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(x) OVER (PARTITION BY k ORDER BY rowtime ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS a,
  SUM(x) OVER (PARTITION BY k ORDER BY rowtime ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS b
FROM t
---- fail
SQL error at line 2, column 3: all OVER aggregates in one SELECT must use the same window (PARTITION BY, ORDER BY and frame)
