# Top-3 smallest, no PARTITION BY, `rn < 4`; NULL sorts lowest (first in ascending order); ties keep arrival order.
table readings (sensor STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT sensor, v, rn FROM (
  SELECT sensor, v, ROW_NUMBER() OVER (ORDER BY v) AS rn FROM readings
) t WHERE rn < 4
---- input readings
{"sensor": "a", "v": 5, "rowtime": "2026-01-01 09:00:00"}
{"sensor": "b", "v": 3, "rowtime": "2026-01-01 09:00:01"}
{"sensor": "c", "v": 3, "rowtime": "2026-01-01 09:00:02"}
{"sensor": "d", "v": null, "rowtime": "2026-01-01 09:00:03"}
{"sensor": "e", "v": 9, "rowtime": "2026-01-01 09:00:04"}
---- output
+I[a, 5, 1]
-U[a, 5, 1]
+U[b, 3, 1]
+I[a, 5, 2]
-U[a, 5, 2]
+U[c, 3, 2]
+I[a, 5, 3]
-U[b, 3, 1]
+U[d, NULL, 1]
-U[c, 3, 2]
+U[b, 3, 2]
-U[a, 5, 3]
+U[c, 3, 3]
