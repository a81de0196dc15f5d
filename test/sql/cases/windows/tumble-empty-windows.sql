# Windows without records emit nothing: no rows for 09:01 .. 09:04.
table t (id INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*), TUMBLE_END(rowtime, INTERVAL '1' MINUTE) FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"id": 1, "rowtime": "2026-01-01 09:00:10"}
watermark 2026-01-01 09:03:00
{"id": 2, "rowtime": "2026-01-01 09:05:10"}
watermark 2026-01-01 09:10:00
---- output
+I[1, 2026-01-01 09:01:00]
+I[1, 2026-01-01 09:06:00]
