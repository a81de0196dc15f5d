# BETWEEN with string literal bounds on a timestamp, and EXTRACT in WHERE.
table t (id INT, ts TIMESTAMP(3))
---- query
SELECT id FROM t WHERE ts BETWEEN '2026-01-01 09:00:00' AND '2026-01-01 09:30:00' AND EXTRACT(MINUTE FROM ts) <> 15
---- input t
{"id": 1, "ts": "2026-01-01 08:59:59"}
{"id": 2, "ts": "2026-01-01 09:00:00"}
{"id": 3, "ts": "2026-01-01 09:15:00"}
{"id": 4, "ts": "2026-01-01 09:30:00"}
{"id": 5, "ts": "2026-01-01 09:30:00.001"}
---- output
+I[2]
+I[4]
