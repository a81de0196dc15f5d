# HOP: a record is late only once its last window has fired; then it is dropped from all its windows.
# 09:00:30 belongs to [08:59, 09:01) and [09:00, 09:02). After the watermark 09:01:00 the first fired,
# the second not: Flink still adds the record to the open window only.
table t (v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(v), HOP_END(rowtime, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE) FROM t GROUP BY HOP(rowtime, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)
---- input t
{"v": 1, "rowtime": "2026-01-01 09:00:10"}
watermark 2026-01-01 09:01:00
{"v": 10, "rowtime": "2026-01-01 09:00:30"}
watermark 2026-01-01 09:02:00
{"v": 100, "rowtime": "2026-01-01 09:00:40"}
---- output
+I[1, 2026-01-01 09:01:00]
+I[11, 2026-01-01 09:02:00]
