# A window over a UNION ALL of two streams: the union's watermark is the minimum of its inputs, so a window
# fires only when both inputs have passed it.
table a (v INT, rowtime TIMESTAMP ROWTIME)
table b (v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(v) AS s, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS we
FROM (SELECT v, rowtime FROM a UNION ALL SELECT v, rowtime FROM b)
GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input a
{"v": 1, "rowtime": "2026-01-01 09:00:10"}
watermark 2026-01-01 09:05:00
---- input b
{"v": 10, "rowtime": "2026-01-01 09:00:20"}
{"v": 100, "rowtime": "2026-01-01 09:01:20"}
watermark 2026-01-01 09:01:00
---- output
+I[11, 2026-01-01 09:01:00]
+I[100, 2026-01-01 09:02:00]
