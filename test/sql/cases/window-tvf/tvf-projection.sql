# A window TVF without aggregation appends window_start, window_end, window_time to each row.
table t (id INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id, window_start, window_end, window_time FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE))
---- input t
{"id": 1, "rowtime": "2026-01-01 09:00:30"}
{"id": 2, "rowtime": "2026-01-01 09:01:00"}
---- output
+I[1, 2026-01-01 09:00:00, 2026-01-01 09:01:00, 2026-01-01 09:00:59.999]
+I[2, 2026-01-01 09:01:00, 2026-01-01 09:02:00, 2026-01-01 09:01:59.999]
