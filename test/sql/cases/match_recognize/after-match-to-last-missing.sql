# AFTER MATCH SKIP TO LAST B when the match has no B row (B is optional): Flink's CEP fails at run time
# ("Could not skip to B. No such element in the found match").
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  PARTITION BY k
  ORDER BY rowtime
  MEASURES A.v AS a, C.v AS c
  AFTER MATCH SKIP TO LAST B
  PATTERN (A B? C)
  DEFINE B AS B.v > 10, C AS C.v = 0
)
---- input t
{"k": "x", "v": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "x", "v": 0, "rowtime": "2026-01-01 09:00:02"}
---- error
at line 7, column 3: AFTER MATCH SKIP TO LAST B: Could not skip to B. No such element in the found match
