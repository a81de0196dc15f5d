# CUMULATE(step 1 min, max size 3 min): windows grow from the period start by one step at a time.
table t (v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT window_start, window_end, SUM(v) FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE, INTERVAL '3' MINUTE))
GROUP BY window_start, window_end
---- input t
{"v": 1, "rowtime": "2026-01-01 09:00:30"}
{"v": 2, "rowtime": "2026-01-01 09:01:30"}
{"v": 4, "rowtime": "2026-01-01 09:03:10"}
---- output
+I[2026-01-01 09:00:00, 2026-01-01 09:01:00, 1]
+I[2026-01-01 09:00:00, 2026-01-01 09:02:00, 3]
+I[2026-01-01 09:00:00, 2026-01-01 09:03:00, 3]
+I[2026-01-01 09:03:00, 2026-01-01 09:04:00, 4]
+I[2026-01-01 09:03:00, 2026-01-01 09:05:00, 4]
+I[2026-01-01 09:03:00, 2026-01-01 09:06:00, 4]
