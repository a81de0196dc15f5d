# SESSION windows per key: a gap of 5 minutes without records closes the session; end = last record + gap.
table t (k STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, COUNT(*), SESSION_START(rowtime, INTERVAL '5' MINUTE), SESSION_END(rowtime, INTERVAL '5' MINUTE)
FROM t GROUP BY k, SESSION(rowtime, INTERVAL '5' MINUTE)
---- input t
{"k": "a", "rowtime": "2026-01-01 09:00:00"}
{"k": "b", "rowtime": "2026-01-01 09:01:00"}
{"k": "a", "rowtime": "2026-01-01 09:03:00"}
{"k": "a", "rowtime": "2026-01-01 09:10:00"}
---- output unordered
+I[b, 1, 2026-01-01 09:01:00, 2026-01-01 09:06:00]
+I[a, 2, 2026-01-01 09:00:00, 2026-01-01 09:08:00]
+I[a, 1, 2026-01-01 09:10:00, 2026-01-01 09:15:00]
