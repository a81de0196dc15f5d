# SESSION lateness (Flink: merge first, then drop if the merged session is late). 09:02 after the first
# session fired opens a new session that is not late yet; 09:17 is late on its own but merges into the open
# session of 09:20; 09:10 is late and merges with nothing: dropped.
table t (v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(v), SESSION_START(rowtime, INTERVAL '5' MINUTE), SESSION_END(rowtime, INTERVAL '5' MINUTE)
FROM t GROUP BY SESSION(rowtime, INTERVAL '5' MINUTE)
---- input t
{"v": 1, "rowtime": "2026-01-01 09:00:00"}
watermark 2026-01-01 09:05:00
{"v": 2, "rowtime": "2026-01-01 09:02:00"}
{"v": 4, "rowtime": "2026-01-01 09:20:00"}
watermark 2026-01-01 09:23:00
{"v": 8, "rowtime": "2026-01-01 09:17:00"}
{"v": 16, "rowtime": "2026-01-01 09:10:00"}
---- output
+I[1, 2026-01-01 09:00:00, 2026-01-01 09:05:00]
+I[2, 2026-01-01 09:02:00, 2026-01-01 09:07:00]
+I[12, 2026-01-01 09:17:00, 2026-01-01 09:25:00]
