# MIN / MAX of a timestamp column, and of the rowtime itself (a plain TIMESTAMP afterwards).
table t (k STRING, seen TIMESTAMP(3), rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, MIN(seen), MAX(seen), MAX(rowtime) FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' HOUR)
---- input t
{"k": "a", "seen": "2026-01-01 08:00:00", "rowtime": "2026-01-01 09:10:00"}
{"k": "a", "seen": "2025-12-31 08:00:00", "rowtime": "2026-01-01 09:20:00"}
{"k": "a", "seen": null, "rowtime": "2026-01-01 09:05:00"}
---- output
+I[a, 2025-12-31 08:00:00, 2026-01-01 08:00:00, 2026-01-01 09:20:00]
