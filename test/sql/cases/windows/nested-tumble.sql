# Nested windows: a 5-minute TUMBLE over the TUMBLE_ROWTIME of an inner 1-minute windowed query.
table t (k STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*) AS windows, SUM(n) AS records, TUMBLE_END(wt, INTERVAL '5' MINUTE) AS we
FROM (
  SELECT k, COUNT(*) AS n, TUMBLE_ROWTIME(rowtime, INTERVAL '1' MINUTE) AS wt
  FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE)
) GROUP BY TUMBLE(wt, INTERVAL '5' MINUTE)
---- input t
{"k": "a", "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "rowtime": "2026-01-01 09:00:02"}
{"k": "b", "rowtime": "2026-01-01 09:00:03"}
{"k": "a", "rowtime": "2026-01-01 09:04:59.999"}
{"k": "a", "rowtime": "2026-01-01 09:05:00"}
---- output
+I[3, 4, 2026-01-01 09:05:00]
+I[1, 1, 2026-01-01 09:10:00]
