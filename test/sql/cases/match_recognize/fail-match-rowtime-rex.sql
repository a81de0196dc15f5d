# MatchRecognizeTest.testMatchRowtimeWithRexCallAsArg: Flink's message, at the argument or call.
table Ticker (symbol STRING, price INT, tax INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM Ticker
MATCH_RECOGNIZE (
  PARTITION BY symbol
  ORDER BY rowtime
  MEASURES
    A.price as price,
    MATCH_ROWTIME(rowtime + INTERVAL '1' SECOND) as matchRowtime
  PATTERN (A)
  DEFINE
    A AS A.price > 0
) AS T
---- fail
SQL error at line 8, column 27: The function MATCH_ROWTIME requires a field reference as argument, but actual argument is 'PLUS'.
