# A MATCH_RECOGNIZE over another one, ordered by its MATCH_ROWTIME (Flink's MatchRecognizeTest.testCascadeMatch
# shape): pairs of increasing matched prices.
table Ticker (symbol STRING, price INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM (
  SELECT *
  FROM Ticker
  MATCH_RECOGNIZE (
    PARTITION BY symbol
    ORDER BY rowtime
    MEASURES A.price AS price, MATCH_ROWTIME() AS matchRowtime
    PATTERN (A)
    DEFINE A AS A.price > 0
  )
)
MATCH_RECOGNIZE (
  PARTITION BY symbol
  ORDER BY matchRowtime
  MEASURES A.price AS lowPrice, B.price AS highPrice, B.matchRowtime AS t
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A B)
  DEFINE B AS B.price > A.price
)
---- input Ticker
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:01", "price": 3}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:02", "price": 0}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:03", "price": 2}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:04", "price": 5}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:05", "price": 1}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:06", "price": 4}
---- output
+I[ACME, 2, 5, 1970-01-01 00:00:04]
+I[ACME, 1, 4, 1970-01-01 00:00:06]
