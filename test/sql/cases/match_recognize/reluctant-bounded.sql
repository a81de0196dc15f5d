# Reluctant bounded quantifiers: B{2,3}? ends at the second B when C accepts the next row (the branch where B
# also takes the c row dies: C then refuses d); {,2} (0 to 2 rows) of D is greedy, so E only gets a row D refuses.
table t (k STRING, name STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  PARTITION BY k
  ORDER BY rowtime
  MEASURES COUNT(B.v) AS bs, COUNT(D.v) AS ds, LAST(v) AS last_v
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A B{2,3}? C D{,2} E)
  DEFINE A AS name = 'a', B AS v > 0, C AS name = 'c', D AS name = 'd', E AS v >= 0
)
---- input t
{"k": "x", "name": "a", "v": 0, "rowtime": "2026-01-01 09:00:01"}
{"k": "x", "name": "b", "v": 1, "rowtime": "2026-01-01 09:00:02"}
{"k": "x", "name": "b", "v": 2, "rowtime": "2026-01-01 09:00:03"}
{"k": "x", "name": "c", "v": 3, "rowtime": "2026-01-01 09:00:04"}
{"k": "x", "name": "d", "v": 4, "rowtime": "2026-01-01 09:00:05"}
{"k": "x", "name": "d", "v": 5, "rowtime": "2026-01-01 09:00:06"}
{"k": "x", "name": "e", "v": 6, "rowtime": "2026-01-01 09:00:07"}
---- output
+I[x, 2, 2, 6]
