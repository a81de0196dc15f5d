# The time condition may be written from the right input's side; the right row may arrive first.
table o (id STRING, v INT, rowtime TIMESTAMP ROWTIME)
table p (oid STRING, w INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.id, o.v, p.w FROM o JOIN p ON p.oid = o.id AND o.rowtime BETWEEN p.rowtime - INTERVAL '5' MINUTE AND p.rowtime
---- input p
{"oid": "a", "w": 1, "rowtime": "2026-01-01 09:05:00"}
{"oid": "b", "w": 2, "rowtime": "2026-01-01 09:05:00"}
---- input o
{"id": "a", "v": 10, "rowtime": "2026-01-01 09:00:00"}
{"id": "a", "v": 20, "rowtime": "2026-01-01 08:59:59.999"}
{"id": "b", "v": 30, "rowtime": "2026-01-01 09:05:00.001"}
---- output
+I[a, 10, 1]
