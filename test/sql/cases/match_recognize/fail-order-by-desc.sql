# Flink's docs: ORDER BY rowtime DESC is not valid.
table t (k STRING, price INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY rowtime DESC, price ASC
  MEASURES A.price AS p
  PATTERN (A B)
  DEFINE A AS A.price = 1
)
---- fail
SQL error at line 4, column 12: Primary sort order of a streaming table must be ascending on time.
