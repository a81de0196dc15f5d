# LEFT interval join: a left row with a NULL key matches nothing and is emitted NULL-padded when it expires.
table o (id STRING, rowtime TIMESTAMP ROWTIME)
table p (oid STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.id, o.rowtime, p.oid FROM o LEFT JOIN p ON o.id = p.oid AND p.rowtime BETWEEN o.rowtime AND o.rowtime + INTERVAL '1' MINUTE
---- input o
{"id": null, "rowtime": "2026-01-01 09:00:00"}
{"id": "a", "rowtime": "2026-01-01 09:00:00"}
---- input p
{"oid": null, "rowtime": "2026-01-01 09:00:10"}
{"oid": "a", "rowtime": "2026-01-01 09:00:20"}
---- output
+I[a, 2026-01-01 09:00:00, a]
+I[NULL, 2026-01-01 09:00:00, NULL]
