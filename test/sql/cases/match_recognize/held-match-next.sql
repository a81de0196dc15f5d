# Matches come out in the order they started, as Flink's NFA emits them: a2..b2 completes first but waits while
# the match started at a1 is open; a1..b1 then completes and goes first. SKIP TO NEXT ROW keeps the waiting match
# (it started after a1), so it follows.
table t (k STRING, name STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  PARTITION BY k
  ORDER BY rowtime
  MEASURES A.v AS a, COUNT(X.v) AS between_rows, B.v AS b
  AFTER MATCH SKIP TO NEXT ROW
  PATTERN (A X*? B)
  DEFINE A AS name = 'a', B AS name = 'b' AND B.v = A.v
)
---- input t
{"k": "x", "name": "a", "v": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "x", "name": "a", "v": 2, "rowtime": "2026-01-01 09:00:02"}
{"k": "x", "name": "b", "v": 2, "rowtime": "2026-01-01 09:00:03"}
{"k": "x", "name": "b", "v": 1, "rowtime": "2026-01-01 09:00:04"}
---- output
+I[x, 1, 2, 1]
+I[x, 2, 0, 2]
