# Flink's known limitations: CLASSIFIER() is not supported.
table t (k STRING, f0 INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY rowtime
  MEASURES CLASSIFIER() AS c
  PATTERN (A B)
  DEFINE A AS A.f0 = 1
)
---- fail
SQL error at line 5, column 12: CLASSIFIER() is not supported in MATCH_RECOGNIZE (as in Flink)
