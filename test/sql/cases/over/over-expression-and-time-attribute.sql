# OVER aggregates inside expressions; the time attribute survives, so the result can feed a TUMBLE window.
table t (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, MAX(share) AS max_share, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS w
FROM (
  SELECT k, rowtime,
    CAST(x AS DOUBLE) / SUM(x) OVER (PARTITION BY k ORDER BY rowtime ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS share
  FROM t
)
GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE), k
---- input t
{"k": "a", "x": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "x": 3, "rowtime": "2026-01-01 09:00:02"}
{"k": "a", "x": 6, "rowtime": "2026-01-01 09:01:02"}
---- output
+I[a, 1.0, 2026-01-01 09:01:00]
+I[a, 0.6666666666666666, 2026-01-01 09:02:00]
