# ORDER BY two columns (score DESC, then name ASC), with an extra outer filter on another column.
table players (team STRING, name STRING, score INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT team, name, score, pos FROM (
  SELECT team, name, score, ROW_NUMBER() OVER (PARTITION BY team ORDER BY score DESC, name ASC) AS pos FROM players
) WHERE pos <= 2 AND team <> 'x'
---- input players
{"team": "t1", "name": "bob", "score": 7, "rowtime": "2026-01-01 09:00:00"}
{"team": "t1", "name": "amy", "score": 7, "rowtime": "2026-01-01 09:00:01"}
{"team": "x", "name": "zed", "score": 9, "rowtime": "2026-01-01 09:00:02"}
{"team": "t1", "name": "cat", "score": 8, "rowtime": "2026-01-01 09:00:03"}
---- output
+I[t1, bob, 7, 1]
-U[t1, bob, 7, 1]
+U[t1, amy, 7, 1]
+I[t1, bob, 7, 2]
-U[t1, amy, 7, 1]
+U[t1, cat, 8, 1]
-U[t1, bob, 7, 2]
+U[t1, amy, 7, 2]
