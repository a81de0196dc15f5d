# MATCH_RECOGNIZE needs ORDER BY a time attribute first.
table t (k STRING, f0 INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  PARTITION BY k
  MEASURES A.f0 AS aF0
  PATTERN (A B)
  DEFINE A AS A.f0 = 1
)
---- fail
SQL error at line 5, column 3: You must specify either rowtime or proctime for order by. (MATCH_RECOGNIZE needs ORDER BY a time attribute)
