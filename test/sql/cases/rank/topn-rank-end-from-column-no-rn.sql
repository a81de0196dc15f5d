# A rank end from a column without the row number in the output: the row a new one pushes out of a partition's
# top rows is -D, then the new row +I (a top 1 changes by -U/+U). `n >= rn` is the same filter written the other way round.
table items (category STRING, n INT, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT category, amount FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY amount DESC) AS rn FROM items
) WHERE n >= rn
---- input items
{"category": "a", "n": 1, "amount": 5, "rowtime": "2026-01-01 09:00:00"}
{"category": "a", "n": 1, "amount": 7, "rowtime": "2026-01-01 09:00:01"}
{"category": "b", "n": 2, "amount": 1, "rowtime": "2026-01-01 09:00:02"}
{"category": "b", "n": 2, "amount": 3, "rowtime": "2026-01-01 09:00:03"}
{"category": "b", "n": 2, "amount": 2, "rowtime": "2026-01-01 09:00:04"}
{"category": "a", "n": 1, "amount": 6, "rowtime": "2026-01-01 09:00:05"}
---- output
+I[a, 5]
-U[a, 5]
+U[a, 7]
+I[b, 1]
+I[b, 3]
-D[b, 1]
+I[b, 2]
