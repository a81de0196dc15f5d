# HOP window table function (slide 1 min, size 2 min).
table t (v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT window_start, window_end, SUM(v) FROM TABLE(HOP(TABLE t, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE, INTERVAL '2' MINUTE))
GROUP BY window_start, window_end
---- input t
{"v": 1, "rowtime": "2026-01-01 09:00:30"}
{"v": 2, "rowtime": "2026-01-01 09:01:30"}
---- output
+I[2026-01-01 08:59:00, 2026-01-01 09:01:00, 1]
+I[2026-01-01 09:00:00, 2026-01-01 09:02:00, 3]
+I[2026-01-01 09:01:00, 2026-01-01 09:03:00, 2]
