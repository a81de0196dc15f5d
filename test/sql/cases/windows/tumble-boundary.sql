# Window boundaries: [start, end); a record exactly at the end belongs to the next window.
table t (id INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*), TUMBLE_START(rowtime, INTERVAL '1' MINUTE) FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"id": 1, "rowtime": "2026-01-01 09:00:00"}
{"id": 2, "rowtime": "2026-01-01 09:00:59.999"}
{"id": 3, "rowtime": "2026-01-01 09:01:00"}
---- output
+I[2, 2026-01-01 09:00:00]
+I[1, 2026-01-01 09:01:00]
