# PARTITION BY belongs to SESSION's table argument only.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE t PARTITION BY k, DESCRIPTOR(rowtime), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end
---- fail
SQL error at line 1, column 70: PARTITION BY is only allowed in the table argument of SESSION, not TUMBLE
