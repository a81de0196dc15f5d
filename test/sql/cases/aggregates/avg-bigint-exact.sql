# SUM and AVG of BIGINT beyond 2^53 stay exact.
table t (n BIGINT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(n), AVG(n), MAX(n) FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"n": "9007199254740993", "rowtime": "2026-01-01 09:00:01"}
{"n": "9007199254740995", "rowtime": "2026-01-01 09:00:02"}
---- output
+I[18014398509481988, 9007199254740994, 9007199254740995]
