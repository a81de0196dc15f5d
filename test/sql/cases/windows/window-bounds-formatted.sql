# Window bounds passed to time functions: DATE_FORMAT and CAST of TUMBLE_END, EXTRACT of TUMBLE_START.
table t (k STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT DATE_FORMAT(TUMBLE_END(rowtime, INTERVAL '1' HOUR), 'yyyy-MM-dd HH:mm') AS window_end_text,
  CAST(TUMBLE_START(rowtime, INTERVAL '1' HOUR) AS STRING) AS start_text,
  EXTRACT(HOUR FROM TUMBLE_START(rowtime, INTERVAL '1' HOUR)) AS h, COUNT(*) AS n
FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' HOUR)
---- input t
{"k": "a", "rowtime": "2026-01-01 23:10:00"}
---- output
+I[2026-01-02 00:00, 2026-01-01 23:00:00.000, 23, 1]
