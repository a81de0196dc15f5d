# Flink: "All rows per match mode is not supported yet." (ONE ROW PER MATCH only).
table Ticker (symbol STRING, price BIGINT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM Ticker
MATCH_RECOGNIZE (
  ORDER BY rowtime
  MEASURES
    A.symbol AS aSymbol
  ALL ROWS PER MATCH
  PATTERN (A B)
  DEFINE
    A AS symbol = 'a'
) AS T
---- fail
SQL error at line 7, column 3: All rows per match mode is not supported yet. (Flink supports ONE ROW PER MATCH only)
