# RANK() per partition without the rank column in the output: only rows entering (+I) and leaving (-D) the
# kept ranks show; a rank change inside them is invisible. rk < 2 keeps every row tied for first.
table scores (team STRING, player STRING, score INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT team, player FROM (
  SELECT *, RANK() OVER (PARTITION BY team ORDER BY score DESC) AS rk FROM scores
) WHERE rk < 2
---- input scores
{"team": "t1", "player": "a", "score": 10, "rowtime": "2026-01-01 09:00:00"}
{"team": "t1", "player": "b", "score": 10, "rowtime": "2026-01-01 09:00:01"}
{"team": "t2", "player": "c", "score": 7, "rowtime": "2026-01-01 09:00:02"}
{"team": "t1", "player": "d", "score": 12, "rowtime": "2026-01-01 09:00:03"}
{"team": "t1", "player": "e", "score": 12, "rowtime": "2026-01-01 09:00:04"}
{"team": "t1", "player": "f", "score": 11, "rowtime": "2026-01-01 09:00:05"}
---- output
+I[t1, a]
+I[t1, b]
+I[t2, c]
-D[t1, a]
-D[t1, b]
+I[t1, d]
+I[t1, e]
