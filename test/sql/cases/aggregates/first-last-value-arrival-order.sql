# FIRST_VALUE / LAST_VALUE follow arrival order (Flink), also when HOP panes are merged: in [09:00, 09:02)
# the record of 09:01:30 arrived first.
table t (v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT FIRST_VALUE(v), LAST_VALUE(v), HOP_END(rowtime, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)
FROM t GROUP BY HOP(rowtime, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)
---- input t
{"v": 1, "rowtime": "2026-01-01 09:01:30"}
{"v": 2, "rowtime": "2026-01-01 09:00:30"}
---- output
+I[2, 2, 2026-01-01 09:01:00]
+I[1, 2, 2026-01-01 09:02:00]
+I[1, 1, 2026-01-01 09:03:00]
