# ROWS UNBOUNDED PRECEDING without PARTITION BY: a running count over the whole stream, rows one by one even
# with equal times; `ROWS UNBOUNDED PRECEDING` without BETWEEN is accepted too.
table t (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, COUNT(*) OVER (ORDER BY rowtime ROWS UNBOUNDED PRECEDING) AS seen, rowtime FROM t
---- input t
{"k": "a", "x": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "b", "x": 2, "rowtime": "2026-01-01 09:00:01"}
{"k": "c", "x": 3, "rowtime": "2026-01-01 09:00:00"}
---- output
+I[c, 1, 2026-01-01 09:00:00]
+I[a, 2, 2026-01-01 09:00:01]
+I[b, 3, 2026-01-01 09:00:01]
