# CAST between numbers, strings, booleans and timestamps.
table t (s STRING, x DOUBLE, a INT, ts TIMESTAMP(3))
---- query
SELECT CAST(s AS INT), CAST(x AS INT), CAST(a AS DOUBLE), CAST(a AS STRING), CAST(x AS BIGINT),
  CAST('true' AS BOOLEAN), CAST(ts AS STRING), CAST('2026-01-02 03:04:05' AS TIMESTAMP(3)), CAST(NULL AS INT)
FROM t
---- input t
{"s": "42", "x": 3.7, "a": 5, "ts": "2026-01-01 09:00:00"}
{"s": " -7 ", "x": -3.7, "a": -1, "ts": "2026-01-01 09:00:00.123"}
---- output
+I[42, 3, 5.0, 5, 3, true, 2026-01-01 09:00:00.000, 2026-01-02 03:04:05, NULL]
+I[-7, -3, -1.0, -1, -3, true, 2026-01-01 09:00:00.123, 2026-01-02 03:04:05, NULL]
