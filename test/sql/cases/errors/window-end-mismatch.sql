# TUMBLE_END with another size than the GROUP BY window.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*), TUMBLE_END(rowtime, INTERVAL '2' MINUTE) FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- fail
SQL error at line 1, column 18: TUMBLE_END arguments must be the same as in GROUP BY TUMBLE(...)
