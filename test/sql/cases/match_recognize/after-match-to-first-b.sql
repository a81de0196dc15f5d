# AFTER MATCH SKIP TO FIRST B: the next match may start at the first B row of the last match (so rows of B can
# begin the next match as A).
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  PARTITION BY k
  ORDER BY rowtime
  MEASURES FIRST(A.v) AS a, FIRST(B.v) AS b_first, LAST(B.v) AS b_last, C.v AS c
  AFTER MATCH SKIP TO FIRST B
  PATTERN (A B+? C)
  DEFINE B AS B.v > 0, C AS C.v = 0
)
---- input t
{"k": "x", "v": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "x", "v": 2, "rowtime": "2026-01-01 09:00:02"}
{"k": "x", "v": 3, "rowtime": "2026-01-01 09:00:03"}
{"k": "x", "v": 0, "rowtime": "2026-01-01 09:00:04"}
---- output
+I[x, 1, 2, 3, 0]
+I[x, 2, 3, 3, 0]
