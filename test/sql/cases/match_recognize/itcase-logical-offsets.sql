# Flink MatchRecognizeITCase.testLogicalOffsets: DOWN{2,} UP, FIRST/LAST over expressions of one variable.
# Expected (ITCase): 6,7,8,33,33.
table Ticker (symbol STRING, tstamp BIGINT, price INT, tax INT)
---- query
SELECT *
FROM (SELECT *, PROCTIME() AS proctime FROM Ticker)
MATCH_RECOGNIZE (
  ORDER BY proctime
  MEASURES
    FIRST(DOWN.tstamp) AS start_tstamp,
    LAST(DOWN.tstamp) AS bottom_tstamp,
    UP.tstamp AS end_tstamp,
    FIRST(DOWN.price + DOWN.tax + 1) AS bottom_total,
    UP.price + UP.tax AS end_total
  ONE ROW PER MATCH
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (DOWN{2,} UP)
  DEFINE
    DOWN AS price < LAST(DOWN.price, 1) OR LAST(DOWN.price, 1) IS NULL,
    UP AS price < FIRST(DOWN.price)
) AS T
---- input Ticker
{"symbol": "ACME", "tstamp": 1, "price": 19, "tax": 1}
{"symbol": "ACME", "tstamp": 2, "price": 17, "tax": 2}
{"symbol": "ACME", "tstamp": 3, "price": 13, "tax": 3}
{"symbol": "ACME", "tstamp": 4, "price": 20, "tax": 4}
{"symbol": "ACME", "tstamp": 5, "price": 20, "tax": 5}
{"symbol": "ACME", "tstamp": 6, "price": 26, "tax": 6}
{"symbol": "ACME", "tstamp": 7, "price": 20, "tax": 7}
{"symbol": "ACME", "tstamp": 8, "price": 25, "tax": 8}
---- output
+I[6, 7, 8, 33, 33]
