# Every built-in aggregate in one TUMBLE window; NULLs are ignored by all but COUNT(*).
# AVG of an INT is an INT (truncated), as in Flink.
table t (v INT, x DOUBLE, s STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*), COUNT(v), COUNT(DISTINCT v), SUM(v), MIN(v), MAX(v), AVG(v), AVG(x),
  FIRST_VALUE(v), LAST_VALUE(v), MIN(s), MAX(s)
FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"v": 1, "x": 1, "s": "b", "rowtime": "2026-01-01 09:00:01"}
{"v": 2, "x": 2, "s": "a", "rowtime": "2026-01-01 09:00:02"}
{"v": 2, "x": 2, "s": "c", "rowtime": "2026-01-01 09:00:03"}
{"v": 5, "x": 5, "s": null, "rowtime": "2026-01-01 09:00:04"}
{"v": null, "x": null, "s": null, "rowtime": "2026-01-01 09:00:05"}
---- output
+I[5, 4, 3, 10, 1, 5, 2, 2.5, 1, 5, a, c]
