# Out-of-order records are counted while the watermark is below the window end; after it fires a record
# for that window is late and dropped.
table t (id INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*), SUM(id), TUMBLE_START(rowtime, INTERVAL '1' MINUTE) FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"id": 1, "rowtime": "2026-01-01 09:00:10"}
{"id": 2, "rowtime": "2026-01-01 09:00:50"}
watermark 2026-01-01 09:00:59.998
{"id": 4, "rowtime": "2026-01-01 09:00:40"}
watermark 2026-01-01 09:00:59.999
{"id": 8, "rowtime": "2026-01-01 09:00:30"}
{"id": 16, "rowtime": "2026-01-01 09:01:05"}
---- output
+I[3, 7, 2026-01-01 09:00:00]
+I[1, 16, 2026-01-01 09:01:00]
