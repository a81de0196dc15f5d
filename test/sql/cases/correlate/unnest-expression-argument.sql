# UNNEST takes any array expression of the left row, here an ARRAY constructor.
table readings (id STRING, a INT, b INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id, v FROM readings CROSS JOIN UNNEST(ARRAY[a, b, a + b]) AS t(v)
---- input readings
{"id": "r1", "a": 1, "b": 2, "rowtime": "2026-01-01 09:00:00"}
{"id": "r2", "a": null, "b": 4, "rowtime": "2026-01-01 09:00:01"}
---- output
+I[r1, 1]
+I[r1, 2]
+I[r1, 3]
+I[r2, NULL]
+I[r2, 4]
+I[r2, NULL]
