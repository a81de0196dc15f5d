# Strict < and > bounds exclude the boundary instants.
table o (id STRING, rowtime TIMESTAMP ROWTIME)
table p (oid STRING, tag STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.id, p.tag FROM o JOIN p ON o.id = p.oid AND p.rowtime > o.rowtime AND p.rowtime < o.rowtime + INTERVAL '10' SECOND
---- input o
{"id": "a", "rowtime": "2026-01-01 09:00:00"}
---- input p
{"oid": "a", "tag": "same-time", "rowtime": "2026-01-01 09:00:00"}
{"oid": "a", "tag": "plus-1ms", "rowtime": "2026-01-01 09:00:00.001"}
{"oid": "a", "tag": "plus-9.999s", "rowtime": "2026-01-01 09:00:09.999"}
{"oid": "a", "tag": "plus-10s", "rowtime": "2026-01-01 09:00:10"}
---- output
+I[a, plus-1ms]
+I[a, plus-9.999s]
