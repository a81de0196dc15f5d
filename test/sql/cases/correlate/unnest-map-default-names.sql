# Without a column list the map's columns are named KEY and VALUE (as Calcite names them).
table events (id STRING, attrs MAP<STRING, INT>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id, t.KEY, t.`VALUE` * 2 AS doubled FROM events CROSS JOIN UNNEST(attrs) AS t
---- input events
{"id": "e1", "attrs": {"speed": 10, "gear": 3}, "rowtime": "2026-01-01 09:00:00"}
---- output
+I[e1, speed, 20]
+I[e1, gear, 6]
