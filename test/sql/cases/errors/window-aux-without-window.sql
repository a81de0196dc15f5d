# TUMBLE_START in a query without a window.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT TUMBLE_START(rowtime, INTERVAL '1' MINUTE) FROM t
---- fail
SQL error at line 1, column 8: TUMBLE_START(...) needs a GROUP BY with the matching window
