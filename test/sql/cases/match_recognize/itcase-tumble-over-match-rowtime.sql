# Flink MatchRecognizeITCase.testWindowedGroupingAppliedToMatchRecognize: MATCH_ROWTIME() is an event-time
# attribute a group window can use. Expected (ITCase): ACME,3,1970-01-01T00:00:02.999,1970-01-01T00:00 and
# ACME,2,1970-01-01T00:00:05.999,1970-01-01T00:00:03.
table Ticker (symbol STRING, rowtime TIMESTAMP ROWTIME, price INT, tax INT)
---- query
SELECT
  symbol,
  SUM(price) as price,
  TUMBLE_ROWTIME(matchRowtime, interval '3' second) as rowTime,
  TUMBLE_START(matchRowtime, interval '3' second) as startTime
FROM Ticker
MATCH_RECOGNIZE (
  PARTITION BY symbol
  ORDER BY rowtime
  MEASURES
    A.price as price,
    A.tax as tax,
    MATCH_ROWTIME() as matchRowtime
  ONE ROW PER MATCH
  PATTERN (A)
  DEFINE
    A AS A.price > 0
) AS T
GROUP BY symbol, TUMBLE(matchRowtime, interval '3' second)
---- input Ticker
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:01", "price": 1, "tax": 1}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:02", "price": 2, "tax": 2}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:04", "price": 1, "tax": 4}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:05", "price": 1, "tax": 3}
---- output
+I[ACME, 3, 1970-01-01 00:00:02.999, 1970-01-01 00:00:00]
+I[ACME, 2, 1970-01-01 00:00:05.999, 1970-01-01 00:00:03]
