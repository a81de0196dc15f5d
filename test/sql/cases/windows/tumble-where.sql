# WHERE runs before the window; a window with every record filtered out emits nothing.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*) AS n, TUMBLE_START(rowtime, INTERVAL '1' MINUTE) FROM t WHERE v > 0 GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"k": "a", "v": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "v": -1, "rowtime": "2026-01-01 09:01:01"}
{"k": "a", "v": 2, "rowtime": "2026-01-01 09:02:01"}
{"k": "a", "v": null, "rowtime": "2026-01-01 09:02:01"}
---- output
+I[1, 2026-01-01 09:00:00]
+I[1, 2026-01-01 09:02:00]
