table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, SUM(v) OVER w FROM t
WINDOW w AS (PARTITION BY k ORDER BY rowtime), W AS (ORDER BY rowtime)
---- fail
SQL error at line 2, column 48: window 'W' is defined twice
