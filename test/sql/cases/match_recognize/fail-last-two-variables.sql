# Flink's docs: LAST(A.price * B.tax) is not allowed (the value must come from one row).
table t (k STRING, price INT, tax INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY rowtime
  MEASURES LAST(A.price * B.tax) AS x
  PATTERN (A+ B)
  DEFINE B AS B.price > 10
)
---- fail
SQL error at line 5, column 12: LAST(...) must reference one pattern variable: all its columns must use the same variable (LAST(A.price * A.tax), not LAST(A.price * B.tax))
