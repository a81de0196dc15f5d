# || with a TIMESTAMP, DECIMAL or INT operand reads it as CAST(x AS STRING) does.
table t (ts TIMESTAMP(3), d DECIMAL(5, 2), a INT)
---- query
SELECT 'at ' || ts, 'v' || d, a || 'x', CAST(d AS STRING) FROM t
---- input t
{"ts": "2026-01-01 09:00:00", "d": 1.5, "a": 3}
{"ts": null, "d": null, "a": null}
---- output
+I[at 2026-01-01 09:00:00.000, v1.50, 3x, 1.50]
+I[NULL, NULL, NULL, NULL]
