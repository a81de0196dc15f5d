# SESSION as a window table function (Flink 1.19+): sessions per PARTITION BY key, closed by the gap; a row
# behind the watermark that touches no open session of its key is late and dropped.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT window_start, window_end, k, SUM(v) AS s
FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(rowtime), INTERVAL '5' MINUTE))
GROUP BY window_start, window_end, k
---- input t
{"k": "a", "v": 1, "rowtime": "2026-01-01 09:00:00"}
{"k": "b", "v": 2, "rowtime": "2026-01-01 09:01:00"}
{"k": "a", "v": 3, "rowtime": "2026-01-01 09:04:00"}
watermark 2026-01-01 09:07:00
{"k": "b", "v": 5, "rowtime": "2026-01-01 09:07:00"}
{"k": "b", "v": 9, "rowtime": "2026-01-01 09:01:30"}
{"k": "a", "v": 4, "rowtime": "2026-01-01 09:13:00"}
---- output
+I[2026-01-01 09:01:00, 2026-01-01 09:06:00, b, 2]
+I[2026-01-01 09:00:00, 2026-01-01 09:09:00, a, 4]
+I[2026-01-01 09:07:00, 2026-01-01 09:12:00, b, 5]
+I[2026-01-01 09:13:00, 2026-01-01 09:18:00, a, 4]
