# Several keys arriving out of order within the watermark delay; each key's window holds its own records.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, SUM(v), TUMBLE_START(rowtime, INTERVAL '1' MINUTE) FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"k": "a", "v": 1, "rowtime": "2026-01-01 09:01:30"}
{"k": "b", "v": 2, "rowtime": "2026-01-01 09:00:30"}
{"k": "a", "v": 4, "rowtime": "2026-01-01 09:00:10"}
{"k": "b", "v": 8, "rowtime": "2026-01-01 09:01:59.999"}
watermark 2026-01-01 09:01:00
{"k": "a", "v": 16, "rowtime": "2026-01-01 09:01:00"}
{"k": "b", "v": 32, "rowtime": "2026-01-01 09:00:59.999"}
---- output unordered
+I[b, 2, 2026-01-01 09:00:00]
+I[a, 4, 2026-01-01 09:00:00]
+I[a, 17, 2026-01-01 09:01:00]
+I[b, 8, 2026-01-01 09:01:00]
