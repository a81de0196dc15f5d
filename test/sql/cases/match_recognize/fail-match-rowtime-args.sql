# MATCH_ROWTIME takes no argument or the rowtime column (MatchRecognizeTest.testMatchRowtimeWithNonRowTimeAttributeAsArgs).
table Ticker (symbol STRING, price INT, tax INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM Ticker
MATCH_RECOGNIZE (
  PARTITION BY symbol
  ORDER BY rowtime
  MEASURES
    A.price as price,
    MATCH_ROWTIME(price) as matchRowtime
  PATTERN (A)
  DEFINE
    A AS A.price > 0
) AS T
---- fail
SQL error at line 8, column 19: The function MATCH_ROWTIME requires argument to be a row time attribute type, but is 'INT'.
