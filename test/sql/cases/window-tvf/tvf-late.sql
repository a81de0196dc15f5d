# A window TVF aggregation drops records for windows that already fired.
table t (v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT window_end, SUM(v) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end
---- input t
{"v": 1, "rowtime": "2026-01-01 09:00:30"}
watermark 2026-01-01 09:01:00
{"v": 2, "rowtime": "2026-01-01 09:00:40"}
{"v": 4, "rowtime": "2026-01-01 09:01:40"}
---- output
+I[2026-01-01 09:01:00, 1]
+I[2026-01-01 09:02:00, 4]
