# DENSE_RANK() <= 2 on the same input: ties share a rank and the next rank follows without a gap, so rank 1
# holds b and c and rank 2 holds a, then e and f (15) once they push a (10) to rank 3. A rank holds any
# number of tied rows.
table scores (player STRING, score INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM (
  SELECT player, score, DENSE_RANK() OVER (ORDER BY score DESC) AS rk FROM scores
) WHERE rk <= 2
---- input scores
{"player": "a", "score": 10, "rowtime": "2026-01-01 09:00:00"}
{"player": "b", "score": 20, "rowtime": "2026-01-01 09:00:01"}
{"player": "c", "score": 20, "rowtime": "2026-01-01 09:00:02"}
{"player": "d", "score": 5, "rowtime": "2026-01-01 09:00:03"}
{"player": "e", "score": 15, "rowtime": "2026-01-01 09:00:04"}
{"player": "f", "score": 15, "rowtime": "2026-01-01 09:00:05"}
---- output
+I[a, 10, 1]
+I[b, 20, 1]
-U[a, 10, 1]
+U[a, 10, 2]
+I[c, 20, 1]
-D[a, 10, 2]
+I[e, 15, 2]
+I[f, 15, 2]
