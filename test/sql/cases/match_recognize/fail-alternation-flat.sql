# Alternation without a group is refused at the | as well.
table t (k STRING, f0 INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY rowtime
  MEASURES A.f0 AS aF0
  PATTERN (A | B)
  DEFINE A AS A.f0 = 1
)
---- fail
SQL error at line 6, column 14: Currently, CEP doesn't support branching patterns. (alternation with | in PATTERN)
