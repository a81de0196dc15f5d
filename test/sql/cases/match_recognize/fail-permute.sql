# Flink: "Currently, CEP doesn't support PERMUTE patterns."
table t (k STRING, f0 INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY rowtime
  MEASURES A.f0 AS aF0
  PATTERN (PERMUTE(A, C))
  DEFINE A AS A.f0 = 1
)
---- fail
SQL error at line 6, column 12: Currently, CEP doesn't support PERMUTE patterns.
