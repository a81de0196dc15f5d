# MATCH_ROWTIME(rowtime) is an event-time attribute downstream: a TUMBLE window table function over a view of
# the matches (Flink's MatchRecognizeTest.testWindowTVFOnMatchRecognizeOnRowtimeLTZ shape).
table Ticker (symbol STRING, price INT, tax INT, rowtime TIMESTAMP ROWTIME)
---- query
CREATE TEMPORARY VIEW T AS
SELECT *
FROM Ticker
MATCH_RECOGNIZE (
  PARTITION BY symbol
  ORDER BY rowtime
  MEASURES
    A.price as price,
    A.tax as tax,
    MATCH_ROWTIME(rowtime) as matchRowtime
  ONE ROW PER MATCH
  PATTERN (A)
  DEFINE
    A AS A.price > 0
) AS T;
SELECT symbol, window_start, window_end, SUM(price) AS price
FROM TABLE(TUMBLE(TABLE T, DESCRIPTOR(matchRowtime), INTERVAL '3' SECOND))
GROUP BY symbol, window_start, window_end
---- input Ticker
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:01", "price": 1, "tax": 1}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:02", "price": 2, "tax": 2}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:04", "price": 1, "tax": 4}
{"symbol": "ACME", "rowtime": "1970-01-01 00:00:05", "price": 1, "tax": 3}
---- output
+I[ACME, 1970-01-01 00:00:00, 1970-01-01 00:00:03, 3]
+I[ACME, 1970-01-01 00:00:03, 1970-01-01 00:00:06, 2]
