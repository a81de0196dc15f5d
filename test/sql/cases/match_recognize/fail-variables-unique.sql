# Flink: "Pattern variables must be unique. That might change in the future."
table t (k STRING, f0 INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY rowtime
  MEASURES A.f0 AS aF0
  PATTERN (A B A)
  DEFINE A AS A.f0 = 1
)
---- fail
SQL error at line 6, column 16: Pattern variables must be unique. That might change in the future.
