# Flink: a greedy quantifier may not end the pattern; (A B*) needs a closing variable such as C AS NOT condB.
table t (k STRING, f0 INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY rowtime
  MEASURES A.f0 AS aF0
  PATTERN (A B*)
  DEFINE A AS A.f0 = 1
)
---- fail
SQL error at line 6, column 14: Greedy quantifiers are not allowed as the last element of a Pattern yet. Finish your pattern with either a simple variable or reluctant quantifier.
