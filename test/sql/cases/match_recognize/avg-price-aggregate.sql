# Flink docs, Aggregations: the longest periods whose average price stays below 15 (A AS AVG(A.price) < 15).
# Expected (docs): 10:00:00-10:00:03 avg 14.5 and 10:00:05-10:00:10 avg 13.5.
table Ticker (symbol STRING, price BIGINT, tax BIGINT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM Ticker
    MATCH_RECOGNIZE (
        PARTITION BY symbol
        ORDER BY rowtime
        MEASURES
            FIRST(A.rowtime) AS start_tstamp,
            LAST(A.rowtime) AS end_tstamp,
            AVG(CAST(A.price AS DOUBLE)) AS avgPrice
        ONE ROW PER MATCH
        AFTER MATCH SKIP PAST LAST ROW
        PATTERN (A+ B)
        DEFINE
            A AS AVG(A.price) < 15
    ) MR
---- input Ticker
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:00", "price": 12, "tax": 1}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:01", "price": 17, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:02", "price": 13, "tax": 1}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:03", "price": 16, "tax": 3}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:04", "price": 25, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:05", "price": 2, "tax": 1}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:06", "price": 4, "tax": 1}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:07", "price": 10, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:08", "price": 15, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:09", "price": 25, "tax": 2}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:10", "price": 25, "tax": 1}
{"symbol": "ACME", "rowtime": "2011-04-01 10:00:11", "price": 30, "tax": 1}
---- output
+I[ACME, 2011-04-01 10:00:00, 2011-04-01 10:00:03, 14.5]
+I[ACME, 2011-04-01 10:00:05, 2011-04-01 10:00:10, 13.5]
