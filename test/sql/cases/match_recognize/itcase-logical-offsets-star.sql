# Flink MatchRecognizeITCase.testLogicalOffsetsWithStarVariable: FIRST/LAST without a variable count every row of
# the match. Expected (ITCase): 1,2,3,4,5,6,7,8,8,7,6,5,4,3,2,1.
table Ticker (id INT, symbol STRING, tstamp BIGINT, price INT)
---- query
SELECT *
FROM (SELECT *, PROCTIME() AS proctime FROM Ticker)
MATCH_RECOGNIZE (
  ORDER BY proctime
  MEASURES
    FIRST(id, 0) as id0,
    FIRST(id, 1) as id1,
    FIRST(id, 2) as id2,
    FIRST(id, 3) as id3,
    FIRST(id, 4) as id4,
    FIRST(id, 5) as id5,
    FIRST(id, 6) as id6,
    FIRST(id, 7) as id7,
    LAST(id, 0) as id8,
    LAST(id, 1) as id9,
    LAST(id, 2) as id10,
    LAST(id, 3) as id11,
    LAST(id, 4) as id12,
    LAST(id, 5) as id13,
    LAST(id, 6) as id14,
    LAST(id, 7) as id15
  ONE ROW PER MATCH
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (`DOWN"`{2,} UP)
  DEFINE
    `DOWN"` AS price < LAST(price, 1) OR LAST(price, 1) IS NULL,
    UP AS price = FIRST(price) AND price > FIRST(price, 3) AND price = LAST(price, 7)
) AS T
---- input Ticker
{"id": 1, "symbol": "ACME", "tstamp": 1, "price": 20}
{"id": 2, "symbol": "ACME", "tstamp": 2, "price": 19}
{"id": 3, "symbol": "ACME", "tstamp": 3, "price": 18}
{"id": 4, "symbol": "ACME", "tstamp": 4, "price": 17}
{"id": 5, "symbol": "ACME", "tstamp": 5, "price": 16}
{"id": 6, "symbol": "ACME", "tstamp": 6, "price": 15}
{"id": 7, "symbol": "ACME", "tstamp": 7, "price": 14}
{"id": 8, "symbol": "ACME", "tstamp": 8, "price": 20}
---- output
+I[1, 2, 3, 4, 5, 6, 7, 8, 8, 7, 6, 5, 4, 3, 2, 1]
