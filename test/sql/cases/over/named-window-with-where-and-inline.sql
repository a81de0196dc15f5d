# WINDOW after a WHERE; a named window and the same window written inline are one window.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, MAX(v) OVER last2 AS hi, MIN(v) OVER (PARTITION BY k ORDER BY rowtime ROWS 1 PRECEDING) AS lo
FROM t WHERE v > 0
WINDOW last2 AS (PARTITION BY k ORDER BY rowtime ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
---- input t
{"k": "a", "v": 5, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "v": -1, "rowtime": "2026-01-01 09:00:02"}
{"k": "a", "v": 2, "rowtime": "2026-01-01 09:00:03"}
{"k": "a", "v": 7, "rowtime": "2026-01-01 09:00:04"}
---- output
+I[a, 5, 5]
+I[a, 5, 2]
+I[a, 7, 2]
