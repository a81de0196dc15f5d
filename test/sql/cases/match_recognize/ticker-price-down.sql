# Flink docs, Pattern Recognition: periods of a constantly decreasing price (START_ROW PRICE_DOWN+ PRICE_UP),
# resuming at the last PRICE_UP. Rows arrive out of order and are matched in event-time order at the watermark.
table Ticker (symbol STRING, price BIGINT, tax BIGINT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM Ticker
    MATCH_RECOGNIZE (
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            START_ROW.rowtime AS start_tstamp,
            LAST(PRICE_DOWN.rowtime) AS bottom_tstamp,
            LAST(PRICE_UP.rowtime) AS end_tstamp
        ONE ROW PER MATCH
        AFTER MATCH SKIP TO LAST PRICE_UP
        PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
        DEFINE
            PRICE_DOWN AS
                (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price) OR
                    PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
            PRICE_UP AS
                PRICE_UP.price > LAST(PRICE_DOWN.price, 1)
    ) MR
---- input Ticker
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:00", "price": 12, "tax": 1}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:02", "price": 19, "tax": 1}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:01", "price": 17, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:03", "price": 21, "tax": 3}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:04", "price": 25, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:05", "price": 18, "tax": 1}
watermark 2011-04-01 10:00:03
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:06", "price": 15, "tax": 1}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:07", "price": 14, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:08", "price": 24, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:09", "price": 25, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:10", "price": 19, "tax": 1}
---- output
+I[ACME, 2011-04-01 10:00:04, 2011-04-01 10:00:07, 2011-04-01 10:00:08]
