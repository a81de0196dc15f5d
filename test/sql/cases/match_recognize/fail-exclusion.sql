# Flink: "Currently, CEP doesn't support '{-' '-}' patterns."
table t (k STRING, f0 INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY rowtime
  MEASURES A.f0 AS aF0
  PATTERN (A {- B -} C)
  DEFINE A AS A.f0 = 1
)
---- fail
SQL error at line 6, column 14: Currently, CEP doesn't support '{-' '-}' patterns. (exclusion)
