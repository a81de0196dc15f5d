# A SESSION window table function must be aggregated right away (session bounds are known only when it closes).
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, window_start FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(rowtime), INTERVAL '5' MINUTE))
---- fail
SQL error at line 1, column 29: a SESSION window table function must be aggregated right away: GROUP BY window_start, window_end (and its PARTITION BY keys)
