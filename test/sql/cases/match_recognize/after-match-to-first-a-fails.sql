# Flink docs: AFTER MATCH SKIP TO FIRST A with PATTERN (A+ C) fails at run time: the next match would start
# where this one started (CEP: "Could not skip to first element of a match.").
table Ticker (symbol STRING, price BIGINT, tax BIGINT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM Ticker
    MATCH_RECOGNIZE(
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            SUM(A.price) AS sumPrice
        ONE ROW PER MATCH
        AFTER MATCH SKIP TO FIRST A
        PATTERN (A+ C)
        DEFINE
            A AS SUM(A.price) < 30
    )
---- input Ticker
{"symbol": "XYZ", "tax": 1, "price": 7, "rowtime": "2018-09-17 10:00:01"}
{"symbol": "XYZ", "tax": 2, "price": 9, "rowtime": "2018-09-17 10:00:02"}
{"symbol": "XYZ", "tax": 1, "price": 10, "rowtime": "2018-09-17 10:00:03"}
{"symbol": "XYZ", "tax": 2, "price": 5, "rowtime": "2018-09-17 10:00:04"}
---- error
at line 9, column 9: AFTER MATCH SKIP TO FIRST A: Could not skip to first element of a match.
