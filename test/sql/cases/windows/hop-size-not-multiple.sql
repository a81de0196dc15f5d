# HOP(slide 2 min, size 5 min): the size need not be a multiple of the slide (Flink's sliding windows keep
# panes of gcd(size, slide) = 1 min). Windows start at even minutes and end at odd ones. After the watermark
# 09:03 the windows ending 09:01 and 09:03 have fired: a record at 09:00:10 still counts in 09:00-09:05
# only, and one at 08:57 (all of its windows fired) is late and dropped.
table t (v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*), SUM(v), HOP_START(rowtime, INTERVAL '2' MINUTE, INTERVAL '5' MINUTE), HOP_END(rowtime, INTERVAL '2' MINUTE, INTERVAL '5' MINUTE)
FROM t GROUP BY HOP(rowtime, INTERVAL '2' MINUTE, INTERVAL '5' MINUTE)
---- input t
{"v": 1, "rowtime": "2026-01-01 09:00:30"}
{"v": 10, "rowtime": "2026-01-01 09:03:00"}
watermark 2026-01-01 09:03:00
{"v": 100, "rowtime": "2026-01-01 09:04:59"}
{"v": 1000, "rowtime": "2026-01-01 09:06:00"}
{"v": 10000, "rowtime": "2026-01-01 09:00:10"}
{"v": 99999, "rowtime": "2026-01-01 08:57:00"}
---- output
+I[1, 1, 2026-01-01 08:56:00, 2026-01-01 09:01:00]
+I[1, 1, 2026-01-01 08:58:00, 2026-01-01 09:03:00]
+I[4, 10111, 2026-01-01 09:00:00, 2026-01-01 09:05:00]
+I[3, 1110, 2026-01-01 09:02:00, 2026-01-01 09:07:00]
+I[2, 1100, 2026-01-01 09:04:00, 2026-01-01 09:09:00]
+I[1, 1000, 2026-01-01 09:06:00, 2026-01-01 09:11:00]
