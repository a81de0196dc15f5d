# The output is the PARTITION BY columns then the measures: a measure named like a partition column is ambiguous.
table t (symbol STRING, f0 INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  PARTITION BY symbol
  ORDER BY rowtime
  MEASURES A.symbol AS symbol
  PATTERN (A B)
  DEFINE A AS A.f0 = 1
)
---- fail
SQL error at line 6, column 12: Columns ambiguously defined: {symbol} (a measure named like a PARTITION BY column or another measure)
