# FIRST_VALUE / LAST_VALUE over an updating input retract: when a value is withdrawn the next one takes over.
table t (k STRING, v STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT g, FIRST_VALUE(latest) AS first_latest, LAST_VALUE(latest) AS last_latest
FROM (SELECT k, 'all' AS g, LAST_VALUE(v) AS latest FROM t GROUP BY k)
GROUP BY g
---- input t
{"k": "a", "v": "a1", "rowtime": "2026-01-01 09:00:00"}
---- input t
{"k": "b", "v": "b1", "rowtime": "2026-01-01 09:00:01"}
---- input t
{"k": "a", "v": "a2", "rowtime": "2026-01-01 09:00:02"}
---- output
+I[all, a1, a1]
-U[all, a1, a1]
+U[all, a1, b1]
-U[all, a1, b1]
+U[all, b1, a2]
