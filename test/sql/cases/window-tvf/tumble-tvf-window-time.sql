# window_time of a TVF aggregation is end - 1 ms; a WHERE on input columns runs before windowing.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, window_time, MAX(v) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(rowtime), INTERVAL '10' SECOND))
WHERE v > 1 GROUP BY window_start, window_end, window_time, k
---- input t
{"k": "a", "v": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "v": 3, "rowtime": "2026-01-01 09:00:02"}
{"k": "a", "v": 2, "rowtime": "2026-01-01 09:00:12"}
---- output
+I[a, 2026-01-01 09:00:09.999, 3]
+I[a, 2026-01-01 09:00:19.999, 2]
