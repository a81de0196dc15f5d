# UNNEST of a MAP gives two columns, key and value, in the map's order.
table events (id STRING, attrs MAP<STRING, INT>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id, k, v FROM events CROSS JOIN UNNEST(attrs) AS t(k, v)
---- input events
{"id": "e1", "attrs": {"speed": 10, "gear": 3}, "rowtime": "2026-01-01 09:00:00"}
{"id": "e2", "attrs": {}, "rowtime": "2026-01-01 09:00:01"}
{"id": "e3", "attrs": {"speed": null}, "rowtime": "2026-01-01 09:00:02"}
---- output
+I[e1, speed, 10]
+I[e1, gear, 3]
+I[e3, speed, NULL]
