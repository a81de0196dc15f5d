# An inner interval join drops a row that arrives after the watermark has passed every time it could match.
table o (id STRING, rowtime TIMESTAMP ROWTIME)
table p (oid STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.id, p.rowtime FROM o JOIN p ON o.id = p.oid AND p.rowtime BETWEEN o.rowtime AND o.rowtime + INTERVAL '1' MINUTE
---- input o
{"id": "a", "rowtime": "2026-01-01 09:00:00"}
{"id": "b", "rowtime": "2026-01-01 09:00:00"}
watermark 2026-01-01 09:10:00
---- input p
{"oid": "a", "rowtime": "2026-01-01 09:00:30"}
watermark 2026-01-01 09:10:00
---- input o
{"id": "c", "rowtime": "2026-01-01 09:00:00"}
---- input p
{"oid": "c", "rowtime": "2026-01-01 09:00:30"}
---- output
+I[a, 2026-01-01 09:00:30]
