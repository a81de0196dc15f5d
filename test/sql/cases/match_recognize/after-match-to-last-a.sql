# Flink docs, After Match Strategy, AFTER MATCH SKIP TO LAST A. Expected sums (docs): 26, 25, 17.
table Ticker (symbol STRING, price BIGINT, tax BIGINT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM Ticker
    MATCH_RECOGNIZE(
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            SUM(A.price) AS sumPrice,
            FIRST(rowtime) AS startTime,
            LAST(rowtime) AS endTime
        ONE ROW PER MATCH
        AFTER MATCH SKIP TO LAST A
        PATTERN (A+ C)
        DEFINE
            A AS SUM(A.price) < 30
    )
---- input Ticker
{"symbol": "XYZ", "tax": 1, "price": 7, "rowtime": "2018-09-17 10:00:01"}
{"symbol": "XYZ", "tax": 2, "price": 9, "rowtime": "2018-09-17 10:00:02"}
{"symbol": "XYZ", "tax": 1, "price": 10, "rowtime": "2018-09-17 10:00:03"}
{"symbol": "XYZ", "tax": 2, "price": 5, "rowtime": "2018-09-17 10:00:04"}
{"symbol": "XYZ", "tax": 2, "price": 10, "rowtime": "2018-09-17 10:00:05"}
{"symbol": "XYZ", "tax": 2, "price": 7, "rowtime": "2018-09-17 10:00:06"}
{"symbol": "XYZ", "tax": 2, "price": 14, "rowtime": "2018-09-17 10:00:07"}
---- output
+I[XYZ, 26, 2018-09-17 10:00:01, 2018-09-17 10:00:04]
+I[XYZ, 25, 2018-09-17 10:00:03, 2018-09-17 10:00:06]
+I[XYZ, 17, 2018-09-17 10:00:05, 2018-09-17 10:00:07]
