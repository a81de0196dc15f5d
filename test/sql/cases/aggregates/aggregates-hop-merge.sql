# Aggregates over HOP windows merge panes: MIN/MAX/COUNT DISTINCT/AVG/FIRST/LAST must match a direct computation.
table t (v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT MIN(v), MAX(v), COUNT(DISTINCT v), AVG(v), FIRST_VALUE(v), LAST_VALUE(v), LISTAGG(CAST(v AS STRING)),
  HOP_END(rowtime, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)
FROM t GROUP BY HOP(rowtime, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)
---- input t
{"v": 4, "rowtime": "2026-01-01 09:00:10"}
{"v": 2, "rowtime": "2026-01-01 09:00:20"}
{"v": 4, "rowtime": "2026-01-01 09:01:10"}
{"v": 9, "rowtime": "2026-01-01 09:01:20"}
---- output
+I[2, 4, 2, 3, 4, 2, 4,2, 2026-01-01 09:01:00]
+I[2, 9, 3, 4, 4, 9, 4,2,4,9, 2026-01-01 09:02:00]
+I[4, 9, 2, 6, 4, 9, 4,9, 2026-01-01 09:03:00]
