# Flink docs, Logical Offsets: LAST(price, 1) without a variable is the row before the tested one in the match,
# whichever variable it was mapped to: B's 5 for one (C = 8 > 5; 5 itself could not be C, 10 < 5 fails), A's 10
# for two (20 is no B).
table Ticker (symbol STRING, price BIGINT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM Ticker
MATCH_RECOGNIZE (
  PARTITION BY symbol
  ORDER BY rowtime
  MEASURES
    A.price AS a, B.price AS b, C.price AS c
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A B? C)
  DEFINE
    B AS B.price < 20,
    C AS LAST(price, 1) < C.price
)
---- input Ticker
{"symbol": "one", "price": 10, "rowtime": "2026-01-01 10:00:00"}
{"symbol": "one", "price": 5, "rowtime": "2026-01-01 10:00:01"}
{"symbol": "one", "price": 8, "rowtime": "2026-01-01 10:00:02"}
{"symbol": "two", "price": 10, "rowtime": "2026-01-01 10:00:00"}
{"symbol": "two", "price": 20, "rowtime": "2026-01-01 10:00:01"}
---- output unordered
+I[two, 10, NULL, 20]
+I[one, 10, 5, 8]
