# Flink's docs: DISTINCT aggregations are not supported.
table t (k STRING, price INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY rowtime
  MEASURES COUNT(DISTINCT A.price) AS n
  PATTERN (A+ B)
  DEFINE B AS B.price > 10
)
---- fail
SQL error at line 5, column 12: DISTINCT aggregations are not supported in MATCH_RECOGNIZE (as in Flink)
