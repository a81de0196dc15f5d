# Sessions are kept per group key: GROUP BY must include SESSION's PARTITION BY key.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT window_start, window_end, COUNT(*) FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(rowtime), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end
---- fail
SQL error at line 1, column 83: GROUP BY of a SESSION window table function must include its PARTITION BY key k
