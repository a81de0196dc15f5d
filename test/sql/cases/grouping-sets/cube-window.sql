# CUBE inside a TUMBLE window: every grouping set is windowed, so the result stays append-only and each
# window's rows come out when it closes. A late row is dropped by every set alike.
table t (a STRING, b STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT a, b, COUNT(*) AS n, TUMBLE_START(rowtime, INTERVAL '1' MINUTE) AS ws
FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), CUBE(a, b)
---- input t
{"a": "x", "b": "p", "rowtime": "2026-01-01 09:00:10"}
{"a": "x", "b": "q", "rowtime": "2026-01-01 09:00:20"}
watermark 2026-01-01 09:01:00
{"a": "y", "b": "p", "rowtime": "2026-01-01 09:00:30"}
---- output unordered
+I[x, p, 1, 2026-01-01 09:00:00]
+I[x, q, 1, 2026-01-01 09:00:00]
+I[x, NULL, 2, 2026-01-01 09:00:00]
+I[NULL, p, 1, 2026-01-01 09:00:00]
+I[NULL, q, 1, 2026-01-01 09:00:00]
+I[NULL, NULL, 2, 2026-01-01 09:00:00]
