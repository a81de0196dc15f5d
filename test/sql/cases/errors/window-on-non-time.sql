# A group window on a column that is not an event-time attribute.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*) FROM t GROUP BY TUMBLE(v, INTERVAL '1' MINUTE)
---- fail
SQL error at line 1, column 40: TUMBLE's first argument must be a time attribute (an event-time column such as rowtime, or PROCTIME()), found INT
