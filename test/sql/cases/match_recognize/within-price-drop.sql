# Flink docs, Time constraint: a price drop of 10 within 1 hour. Flink's CEP drops a partial match once a row is
# WITHIN or more after its first row (NFA.isStateTimedOut: timestamp - start >= window), so the drop from 15 at
# 12:00 to 1 at 13:00 (exactly one hour) is out of the window, and the match found is 14 at 12:20 to 1 at 13:00
# (dropDiff 13). The docs' table shows 14 (from 12:00), which the engine's own rule excludes.
table Ticker (symbol STRING, price BIGINT, tax BIGINT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM Ticker
    MATCH_RECOGNIZE(
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            C.rowtime AS dropTime,
            A.price - C.price AS dropDiff
        ONE ROW PER MATCH
        AFTER MATCH SKIP PAST LAST ROW
        PATTERN (A B* C) WITHIN INTERVAL '1' HOUR
        DEFINE
            B AS B.price > A.price - 10,
            C AS C.price < A.price - 10
    )
---- input Ticker
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:00", "price": 20, "tax": 1}
{"symbol": "ACME", "rowtime": "2011-04-01 10:20:00", "price": 17, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 10:40:00", "price": 18, "tax": 1}
{"symbol": "ACME", "rowtime": "2011-04-01 11:00:00", "price": 11, "tax": 3}
{"symbol": "ACME", "rowtime": "2011-04-01 11:20:00", "price": 14, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 11:40:00", "price": 9, "tax": 1}
{"symbol": "ACME", "rowtime": "2011-04-01 12:00:00", "price": 15, "tax": 1}
{"symbol": "ACME", "rowtime": "2011-04-01 12:20:00", "price": 14, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 12:40:00", "price": 24, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 13:00:00", "price": 1, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 13:20:00", "price": 19, "tax": 1}
---- output
+I[ACME, 2011-04-01 13:00:00, 13]
