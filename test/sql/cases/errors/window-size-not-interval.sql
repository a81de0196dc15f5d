# A window size that is not an INTERVAL literal.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*) FROM t GROUP BY TUMBLE(rowtime, 60)
---- fail
SQL error at line 1, column 49: the TUMBLE size must be an INTERVAL literal such as INTERVAL '1' MINUTE
