# Flink's docs: ORDER BY price, rowtime is not valid (the time attribute must come first, ascending).
table t (k STRING, price INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY price, rowtime
  MEASURES A.price AS p
  PATTERN (A B)
  DEFINE A AS A.price = 1
)
---- fail
SQL error at line 4, column 12: You must specify either rowtime or proctime for order by as the first one. (found INT)
