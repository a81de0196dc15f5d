# Flink MatchRecognizeITCase.testLogicalOffsetOutsideOfRangeInMeasures: FIRST(DOWN.price, 5) past the rows of
# DOWN is NULL. Expected (ITCase): 19,13,null.
table Ticker (symbol STRING, tstamp BIGINT, price INT, tax INT)
---- query
SELECT *
FROM (SELECT *, PROCTIME() AS proctime FROM Ticker)
MATCH_RECOGNIZE (
  ORDER BY proctime
  MEASURES
    FIRST(DOWN.price) as `first`,
    LAST(DOWN.price) as `last`,
    FIRST(DOWN.price, 5) as nullPrice
  ONE ROW PER MATCH
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (DOWN{2,} UP)
  DEFINE
    DOWN AS price < LAST(DOWN.price, 1) OR LAST(DOWN.price, 1) IS NULL,
    UP AS price > LAST(DOWN.price)
) AS T
---- input Ticker
{"symbol": "ACME", "tstamp": 1, "price": 19, "tax": 1}
{"symbol": "ACME", "tstamp": 2, "price": 17, "tax": 2}
{"symbol": "ACME", "tstamp": 3, "price": 13, "tax": 3}
{"symbol": "ACME", "tstamp": 4, "price": 20, "tax": 4}
---- output
+I[19, 13, NULL]
