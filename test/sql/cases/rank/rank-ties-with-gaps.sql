# RANK() <= 2: rows tied on the sort key share a rank, so rank 1 holds b and c and rank 2 stays empty (the
# next rank is 3: RANK leaves gaps). A row whose rank moves is -U (old rank) / +U (new rank); a row pushed
# past the last kept rank is -D, before the rows entering. (Flink plans RANK Top-N in batch mode only; Dirk runs it on streams too.)
table scores (player STRING, score INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT player, score, rk FROM (
  SELECT player, score, RANK() OVER (ORDER BY score DESC) AS rk FROM scores
) WHERE rk <= 2
---- input scores
{"player": "a", "score": 10, "rowtime": "2026-01-01 09:00:00"}
{"player": "b", "score": 20, "rowtime": "2026-01-01 09:00:01"}
{"player": "c", "score": 20, "rowtime": "2026-01-01 09:00:02"}
{"player": "d", "score": 5, "rowtime": "2026-01-01 09:00:03"}
{"player": "e", "score": 15, "rowtime": "2026-01-01 09:00:04"}
---- output
+I[a, 10, 1]
+I[b, 20, 1]
-U[a, 10, 1]
+U[a, 10, 2]
-D[a, 10, 2]
+I[c, 20, 1]
