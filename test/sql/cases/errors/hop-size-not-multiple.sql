# HOP size must be a multiple of the slide.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*) FROM t GROUP BY HOP(rowtime, INTERVAL '2' MINUTE, INTERVAL '5' MINUTE)
---- fail
SQL error at line 1, column 67: HOP size (300000 ms) must be a whole multiple of the slide (120000 ms)
