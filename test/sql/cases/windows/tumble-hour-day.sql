# Hour and day windows are aligned to the epoch (UTC midnight).
table t (k STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*), TUMBLE_START(rowtime, INTERVAL '1' DAY), TUMBLE_END(rowtime, INTERVAL '1' DAY) FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' DAY)
---- input t
{"k": "a", "rowtime": "2026-01-01 23:59:59.999"}
{"k": "a", "rowtime": "2026-01-02 00:00:00"}
{"k": "a", "rowtime": "2026-01-01 00:00:00"}
---- output
+I[2, 2026-01-01 00:00:00, 2026-01-02 00:00:00]
+I[1, 2026-01-02 00:00:00, 2026-01-03 00:00:00]
