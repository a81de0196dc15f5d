# Each watermark fires exactly the windows it completes, in order of window end.
table t (k STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, COUNT(*), TUMBLE_END(rowtime, INTERVAL '10' SECOND) FROM t GROUP BY TUMBLE(rowtime, INTERVAL '10' SECOND), k
---- input t
{"k": "a", "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "rowtime": "2026-01-01 09:00:11"}
{"k": "a", "rowtime": "2026-01-01 09:00:21"}
watermark 2026-01-01 09:00:15
{"k": "b", "rowtime": "2026-01-01 09:00:25"}
watermark 2026-01-01 09:00:30
---- output
+I[a, 1, 2026-01-01 09:00:10]
+I[a, 1, 2026-01-01 09:00:20]
+I[a, 1, 2026-01-01 09:00:30]
+I[b, 1, 2026-01-01 09:00:30]
