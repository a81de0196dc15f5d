# A correlate over an updating input carries each row's change kind to every element it produces.
table t (k STRING, v STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, tag FROM (SELECT k, COLLECT(v) AS vs FROM t GROUP BY k) CROSS JOIN UNNEST(vs) AS u(tag)
---- input t
{"k": "a", "v": "x", "rowtime": "2026-01-01 09:00:00"}
---- input t
{"k": "a", "v": "y", "rowtime": "2026-01-01 09:00:01"}
---- output
+I[a, x]
-U[a, x]
+U[a, x]
+U[a, y]
