# Aggregating the HOP table function by window_start, window_end with size 5 min, slide 2 min (panes of 1 min).
table t (k STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, window_start, window_end, COUNT(*) AS n
FROM TABLE(HOP(TABLE t, DESCRIPTOR(rowtime), INTERVAL '2' MINUTE, INTERVAL '5' MINUTE))
GROUP BY k, window_start, window_end
---- input t
{"k": "a", "rowtime": "2026-01-01 09:00:30"}
{"k": "b", "rowtime": "2026-01-01 09:01:30"}
{"k": "a", "rowtime": "2026-01-01 09:03:00"}
---- output unordered
+I[a, 2026-01-01 08:56:00, 2026-01-01 09:01:00, 1]
+I[a, 2026-01-01 08:58:00, 2026-01-01 09:03:00, 1]
+I[b, 2026-01-01 08:58:00, 2026-01-01 09:03:00, 1]
+I[a, 2026-01-01 09:00:00, 2026-01-01 09:05:00, 2]
+I[b, 2026-01-01 09:00:00, 2026-01-01 09:05:00, 1]
+I[a, 2026-01-01 09:02:00, 2026-01-01 09:07:00, 1]
