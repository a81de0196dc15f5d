# HOP(slide 5 min, size 2 min): windows [09:00, 09:02), [09:05, 09:07), ...; a record between them (09:03)
# is in no window. Panes are gcd = 1 min wide.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, SUM(v), HOP_END(rowtime, INTERVAL '5' MINUTE, INTERVAL '2' MINUTE)
FROM t GROUP BY k, HOP(rowtime, INTERVAL '5' MINUTE, INTERVAL '2' MINUTE)
---- input t
{"k": "a", "v": 1, "rowtime": "2026-01-01 09:00:00"}
{"k": "a", "v": 2, "rowtime": "2026-01-01 09:01:59"}
{"k": "a", "v": 4, "rowtime": "2026-01-01 09:03:00"}
{"k": "b", "v": 8, "rowtime": "2026-01-01 09:06:00"}
---- output
+I[a, 3, 2026-01-01 09:02:00]
+I[b, 8, 2026-01-01 09:07:00]
