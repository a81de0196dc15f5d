# A MAP WITH ORDINALITY: key, value, position.
table events (id STRING, attrs MAP<STRING, DOUBLE>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id, k, v, n FROM events CROSS JOIN UNNEST(attrs) WITH ORDINALITY AS t(k, v, n)
---- input events
{"id": "e1", "attrs": {"a": 1, "b": 2.5}, "rowtime": "2026-01-01 09:00:00"}
---- output
+I[e1, a, 1.0, 1]
+I[e1, b, 2.5, 2]
