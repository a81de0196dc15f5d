# UNNEST keeps the time attribute, so the unnested rows can be counted per element in a TUMBLE window.
table orders (id STRING, items ARRAY<STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT item, COUNT(*) AS n, TUMBLE_END(o.rowtime, INTERVAL '1' MINUTE) AS we
FROM orders AS o CROSS JOIN UNNEST(o.items) AS i(item)
GROUP BY item, TUMBLE(o.rowtime, INTERVAL '1' MINUTE)
---- input orders
{"id": "a", "items": ["tea", "rice"], "rowtime": "2026-01-01 09:00:01"}
{"id": "b", "items": ["tea"], "rowtime": "2026-01-01 09:00:02"}
{"id": "c", "items": [], "rowtime": "2026-01-01 09:00:03"}
---- output unordered
+I[tea, 2, 2026-01-01 09:01:00]
+I[rice, 1, 2026-01-01 09:01:00]
