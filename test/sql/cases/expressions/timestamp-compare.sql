# Timestamps compare with string literals and TIMESTAMP literals (read as UTC).
table t (id INT, ts TIMESTAMP(3))
---- query
SELECT id FROM t WHERE ts >= '2026-01-01 09:00:00' AND ts < TIMESTAMP '2026-01-01 10:00:00'
---- input t
{"id": 1, "ts": "2026-01-01 08:59:59.999"}
{"id": 2, "ts": "2026-01-01 09:00:00"}
{"id": 3, "ts": "2026-01-01 09:59:59.999"}
{"id": 4, "ts": "2026-01-01 10:00:00"}
{"id": 5, "ts": null}
---- output
+I[2]
+I[3]
