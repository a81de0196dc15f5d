table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, SUM(v) OVER w2 FROM t
WINDOW w AS (PARTITION BY k ORDER BY rowtime)
---- fail
SQL error at line 1, column 23: window 'w2' is not defined; this SELECT's WINDOW clause defines w
