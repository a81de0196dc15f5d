# HOP_END in a TUMBLE query.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*), HOP_END(rowtime, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE) FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- fail
SQL error at line 1, column 18: HOP_END does not match the query's TUMBLE window
