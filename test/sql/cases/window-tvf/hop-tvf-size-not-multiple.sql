# The HOP window table function with a size that is not a multiple of the slide (2 min, 5 min): each row is
# copied into every window that holds it (start at an even minute, s <= t < s + 5 min).
table t (k STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, window_start, window_end FROM TABLE(HOP(TABLE t, DESCRIPTOR(rowtime), INTERVAL '2' MINUTE, INTERVAL '5' MINUTE))
---- input t
{"k": "a", "rowtime": "2026-01-01 09:00:30"}
{"k": "b", "rowtime": "2026-01-01 09:03:00"}
---- output
+I[a, 2026-01-01 08:56:00, 2026-01-01 09:01:00]
+I[a, 2026-01-01 08:58:00, 2026-01-01 09:03:00]
+I[a, 2026-01-01 09:00:00, 2026-01-01 09:05:00]
+I[b, 2026-01-01 09:00:00, 2026-01-01 09:05:00]
+I[b, 2026-01-01 09:02:00, 2026-01-01 09:07:00]
