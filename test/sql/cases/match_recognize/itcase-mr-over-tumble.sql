# Flink MatchRecognizeITCase.testMatchRecognizeAppliedToWindowedGrouping: MATCH_RECOGNIZE over a windowed
# aggregate, ordered by its TUMBLE_ROWTIME. Expected (ITCase): ACME,2,1970-01-01T00:00:03.
table Ticker (symbol STRING, rowtime TIMESTAMP ROWTIME, price INT, tax INT)
---- query
SELECT *
FROM (
   SELECT
      symbol,
      SUM(price) as price,
      TUMBLE_ROWTIME(rowtime, interval '3' second) as rowTime,
      TUMBLE_START(rowtime, interval '3' second) as startTime
   FROM Ticker
   GROUP BY symbol, TUMBLE(rowtime, interval '3' second)
)
MATCH_RECOGNIZE (
  PARTITION BY symbol
  ORDER BY rowTime
  MEASURES
    B.price as dPrice,
    B.startTime as dTime
  ONE ROW PER MATCH
  PATTERN (A B)
  DEFINE
    B AS B.price < A.price
)
---- input Ticker
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:01", "price": 1, "tax": 1}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:02", "price": 2, "tax": 2}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:04", "price": 1, "tax": 4}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:05", "price": 1, "tax": 3}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:07", "price": 2, "tax": 3}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:08", "price": 2, "tax": 3}
{"symbol": "ACME1", "rowtime": "1970-01-01 00:00:01", "price": 20, "tax": 4}
{"symbol": "ACME1", "rowtime": "1970-01-01 00:00:01", "price": 24, "tax": 4}
{"symbol": "ACME1", "rowtime": "1970-01-01 00:00:01", "price": 25, "tax": 3}
{"symbol": "ACME1", "rowtime": "1970-01-01 00:00:01", "price": 19, "tax": 8}
---- output
+I[ACME, 2, 1970-01-01 00:00:03]
