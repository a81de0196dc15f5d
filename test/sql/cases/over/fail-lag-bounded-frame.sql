# LAG over a bounded frame would need retraction, which Flink does not support either.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, LAG(v) OVER (PARTITION BY k ORDER BY rowtime ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t
---- fail
SQL error at line 1, column 11: LAG() OVER needs an unbounded frame (the default, or ... UNBOUNDED PRECEDING); a bounded frame is not supported
