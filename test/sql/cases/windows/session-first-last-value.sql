# Merging sessions keeps FIRST_VALUE / LAST_VALUE in arrival order: 09:00:45 bridges the sessions of
# 09:01:30 (arrived first) and 09:00:00.
table t (v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT FIRST_VALUE(v), LAST_VALUE(v), COUNT(*), SESSION_START(rowtime, INTERVAL '1' MINUTE), SESSION_END(rowtime, INTERVAL '1' MINUTE)
FROM t GROUP BY SESSION(rowtime, INTERVAL '1' MINUTE)
---- input t
{"v": 1, "rowtime": "2026-01-01 09:01:30"}
{"v": 2, "rowtime": "2026-01-01 09:00:00"}
{"v": 3, "rowtime": "2026-01-01 09:00:45"}
---- output
+I[1, 3, 3, 2026-01-01 09:00:00, 2026-01-01 09:02:30]
