# A Dagger aggregate in HOP windows (accumulators merged across panes).
table t (driver STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT DistinctCount(driver) AS drivers, HOP_END(rowtime, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE) AS we
FROM t GROUP BY HOP(rowtime, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)
---- input t
{"driver": "d1", "rowtime": "2026-01-01 09:00:10"}
{"driver": "d2", "rowtime": "2026-01-01 09:00:20"}
{"driver": "d1", "rowtime": "2026-01-01 09:01:10"}
{"driver": "d3", "rowtime": "2026-01-01 09:01:20"}
---- output
+I[2, 2026-01-01 09:01:00]
+I[3, 2026-01-01 09:02:00]
+I[2, 2026-01-01 09:03:00]
