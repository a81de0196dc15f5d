# The rowtime of an inner window (TUMBLE_ROWTIME) feeds an outer HOP.
table t (v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(s), HOP_END(wt, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)
FROM (SELECT SUM(v) AS s, TUMBLE_ROWTIME(rowtime, INTERVAL '1' MINUTE) AS wt FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE))
GROUP BY HOP(wt, INTERVAL '1' MINUTE, INTERVAL '2' MINUTE)
---- input t
{"v": 1, "rowtime": "2026-01-01 09:00:10"}
{"v": 2, "rowtime": "2026-01-01 09:01:10"}
---- output
+I[1, 2026-01-01 09:01:00]
+I[3, 2026-01-01 09:02:00]
+I[2, 2026-01-01 09:03:00]
