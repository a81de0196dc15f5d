# An out-of-order record bridging two sessions merges them; sessions that touch (end = next start) merge too,
# as Flink's TimeWindow.intersects is inclusive.
table t (v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(v), SESSION_START(rowtime, INTERVAL '5' MINUTE), SESSION_END(rowtime, INTERVAL '5' MINUTE)
FROM t GROUP BY SESSION(rowtime, INTERVAL '5' MINUTE)
---- input t
{"v": 1, "rowtime": "2026-01-01 09:00:00"}
{"v": 2, "rowtime": "2026-01-01 09:08:00"}
{"v": 4, "rowtime": "2026-01-01 09:04:00"}
{"v": 8, "rowtime": "2026-01-01 09:30:00"}
{"v": 16, "rowtime": "2026-01-01 09:35:00"}
---- output
+I[7, 2026-01-01 09:00:00, 2026-01-01 09:13:00]
+I[24, 2026-01-01 09:30:00, 2026-01-01 09:40:00]
