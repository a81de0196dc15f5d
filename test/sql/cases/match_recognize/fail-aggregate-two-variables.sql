# Flink's docs: an aggregate may reference one pattern variable only (AVG(A.price * B.tax) is not valid).
table t (k STRING, price INT, tax INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY rowtime
  MEASURES AVG(A.price * B.tax) AS x
  PATTERN (A+ B)
  DEFINE B AS B.price > 10
)
---- fail
SQL error at line 5, column 12: an aggregate in MATCH_RECOGNIZE may reference one pattern variable only: SUM(A.price * A.tax) is valid, AVG(A.price * B.tax) is not (as in Flink)
