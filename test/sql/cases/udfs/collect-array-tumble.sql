# CollectArray keeps arrival order and NULLs; DistinctCount counts distinct non-NULL values; per key and window.
table t (k STRING, s STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, CollectArray(s) AS items, DistinctCount(s) AS distinct_items, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS we
FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"k": "x", "s": "a", "rowtime": "2026-01-01 09:00:01"}
{"k": "x", "s": null, "rowtime": "2026-01-01 09:00:02"}
{"k": "x", "s": "b", "rowtime": "2026-01-01 09:00:03"}
{"k": "x", "s": "a", "rowtime": "2026-01-01 09:00:04"}
{"k": "x", "s": "c", "rowtime": "2026-01-01 09:01:04"}
---- output
+I[x, [a, NULL, b, a], 2, 2026-01-01 09:01:00]
+I[x, [c], 1, 2026-01-01 09:02:00]
