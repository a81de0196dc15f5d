# HOP(slide 1 min, size 3 min): each record is in three windows; windows fire in end order.
table t (k STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*), HOP_START(rowtime, INTERVAL '1' MINUTE, INTERVAL '3' MINUTE), HOP_END(rowtime, INTERVAL '1' MINUTE, INTERVAL '3' MINUTE)
FROM t GROUP BY HOP(rowtime, INTERVAL '1' MINUTE, INTERVAL '3' MINUTE)
---- input t
{"k": "a", "rowtime": "2026-01-01 09:00:30"}
{"k": "a", "rowtime": "2026-01-01 09:02:10"}
---- output
+I[1, 2026-01-01 08:58:00, 2026-01-01 09:01:00]
+I[1, 2026-01-01 08:59:00, 2026-01-01 09:02:00]
+I[2, 2026-01-01 09:00:00, 2026-01-01 09:03:00]
+I[1, 2026-01-01 09:01:00, 2026-01-01 09:04:00]
+I[1, 2026-01-01 09:02:00, 2026-01-01 09:05:00]
