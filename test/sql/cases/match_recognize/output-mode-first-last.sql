# Flink docs, Output Mode: partition column first, then the measures. The docs show XYZ, 10, 13, 11; the query has
# no AFTER MATCH clause, so Flink's default SKIP TO NEXT ROW applies (PatternTranslatorTest: skipToNext()) and the
# matches starting at 12 and at 13 (each A+ then 11) are found too.
table Ticker (symbol STRING, price BIGINT, tax BIGINT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM Ticker
    MATCH_RECOGNIZE(
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            FIRST(A.price) AS startPrice,
            LAST(A.price) AS topPrice,
            B.price AS lastPrice
        ONE ROW PER MATCH
        PATTERN (A+ B)
        DEFINE
            A AS LAST(A.price, 1) IS NULL OR A.price > LAST(A.price, 1),
            B AS B.price < LAST(A.price)
    )
---- input Ticker
{"symbol": "XYZ", "tax": 1, "price": 10, "rowtime": "2018-09-17 10:00:02"}
{"symbol": "XYZ", "tax": 2, "price": 12, "rowtime": "2018-09-17 10:00:03"}
{"symbol": "XYZ", "tax": 1, "price": 13, "rowtime": "2018-09-17 10:00:04"}
{"symbol": "XYZ", "tax": 2, "price": 11, "rowtime": "2018-09-17 10:00:05"}
---- output
+I[XYZ, 10, 13, 11]
+I[XYZ, 12, 13, 11]
+I[XYZ, 13, 13, 11]
