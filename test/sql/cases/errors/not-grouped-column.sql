# A column that is neither grouped nor aggregated.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, v, COUNT(*) FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- fail
SQL error at line 1, column 11: column 'v' must appear in GROUP BY or be used in an aggregate function
