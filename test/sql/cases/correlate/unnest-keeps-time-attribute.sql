# The input's time attribute survives a correlate: the unnested rows can feed a TUMBLE window.
table orders (id STRING, tags ARRAY<STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT tag, COUNT(*) AS n, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS window_end
FROM orders CROSS JOIN UNNEST(tags) AS t(tag)
GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), tag
---- input orders
{"id": "a", "tags": ["x", "y"], "rowtime": "2026-01-01 09:00:10"}
{"id": "b", "tags": ["x"], "rowtime": "2026-01-01 09:00:50"}
{"id": "c", "tags": ["y"], "rowtime": "2026-01-01 09:01:05"}
watermark 2026-01-01 09:01:00
{"id": "d", "tags": ["x", "x"], "rowtime": "2026-01-01 09:01:30"}
---- output
+I[x, 2, 2026-01-01 09:01:00]
+I[y, 1, 2026-01-01 09:01:00]
+I[y, 1, 2026-01-01 09:02:00]
+I[x, 2, 2026-01-01 09:02:00]
