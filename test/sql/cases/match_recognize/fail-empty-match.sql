# Flink refuses patterns that can match no row at all.
table t (k STRING, f0 INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY rowtime
  MEASURES A.f0 AS aF0
  PATTERN (A? B*?)
  DEFINE A AS A.f0 = 1
)
---- fail
SQL error at line 6, column 3: Patterns that can produce empty matches are not supported. There must be at least one non-optional state.
