# Flink docs, Greedy & Reluctant Quantifiers: (A B*? C) with B AS B.price < 15. Expected (docs): lastPrice 13, then 16: B takes only the row with price 12.
table Ticker (symbol STRING, tax BIGINT, price BIGINT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM Ticker
    MATCH_RECOGNIZE(
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            C.price AS lastPrice
        ONE ROW PER MATCH
        AFTER MATCH SKIP PAST LAST ROW
        PATTERN (A B*? C)
        DEFINE
            A AS A.price > 10,
            B AS B.price < 15,
            C AS C.price > 12
    )
---- input Ticker
{"symbol": "XYZ", "tax": 1, "price": 10, "rowtime": "2018-09-17 10:00:02"}
{"symbol": "XYZ", "tax": 2, "price": 11, "rowtime": "2018-09-17 10:00:03"}
{"symbol": "XYZ", "tax": 1, "price": 12, "rowtime": "2018-09-17 10:00:04"}
{"symbol": "XYZ", "tax": 2, "price": 13, "rowtime": "2018-09-17 10:00:05"}
{"symbol": "XYZ", "tax": 1, "price": 14, "rowtime": "2018-09-17 10:00:06"}
{"symbol": "XYZ", "tax": 2, "price": 16, "rowtime": "2018-09-17 10:00:07"}
---- output
+I[XYZ, 13]
+I[XYZ, 16]
