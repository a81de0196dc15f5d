# ORDER BY the ascending time attribute is accepted (rows already come in that order); a keyword-like column name.
table t (`timestamp` BIGINT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT `timestamp`, rowtime FROM t ORDER BY rowtime
---- input t
{"timestamp": 1, "rowtime": "2026-01-01 09:00:00"}
---- output
+I[1, 2026-01-01 09:00:00]
