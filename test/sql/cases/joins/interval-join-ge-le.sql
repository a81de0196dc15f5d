# Interval join with >= / <= bounds on both sides of the left time; both bounds are inclusive.
table o (id STRING, rowtime TIMESTAMP ROWTIME)
table p (oid STRING, tag STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.id, p.tag FROM o JOIN p ON o.id = p.oid
  AND p.rowtime >= o.rowtime - INTERVAL '1' MINUTE AND p.rowtime <= o.rowtime + INTERVAL '1' MINUTE
---- input o
{"id": "a", "rowtime": "2026-01-01 09:10:00"}
---- input p
{"oid": "a", "tag": "minus-1m", "rowtime": "2026-01-01 09:09:00"}
{"oid": "a", "tag": "minus-1m-1ms", "rowtime": "2026-01-01 09:08:59.999"}
{"oid": "a", "tag": "plus-1m", "rowtime": "2026-01-01 09:11:00"}
{"oid": "a", "tag": "plus-1m-1ms", "rowtime": "2026-01-01 09:11:00.001"}
{"oid": "b", "tag": "other-key", "rowtime": "2026-01-01 09:10:00"}
---- output
+I[a, minus-1m]
+I[a, plus-1m]
