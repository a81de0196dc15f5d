# MatchRecognizeTest.testMatchRowtimeWithMultipleArgs: Flink's message, at the argument or call.
table Ticker (symbol STRING, price INT, tax INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM Ticker
MATCH_RECOGNIZE (
  PARTITION BY symbol
  ORDER BY rowtime
  MEASURES
    A.price as price,
    MATCH_ROWTIME(rowtime, price) as matchRowtime
  PATTERN (A)
  DEFINE
    A AS A.price > 0
) AS T
---- fail
SQL error at line 8, column 5: Invalid number of arguments to function 'MATCH_ROWTIME'. (it takes none or the rowtime column)
