# Aggregated in a sub-query first, a SESSION window table function can be joined (here a regular join).
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
table u (k STRING, w INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT u.k, s.n, u.w
FROM u
JOIN (SELECT k, COUNT(*) AS n FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(rowtime), INTERVAL '5' MINUTE))
      GROUP BY k, window_start, window_end) AS s ON s.k = u.k
---- input u
{"k": "a", "w": 1, "rowtime": "2026-01-01 09:00:00"}
---- input t
{"k": "a", "v": 1, "rowtime": "2026-01-01 09:00:00"}
{"k": "a", "v": 2, "rowtime": "2026-01-01 09:01:00"}
---- output
+I[a, 2, 1]
