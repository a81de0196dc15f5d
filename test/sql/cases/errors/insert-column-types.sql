# INSERT INTO maps columns by position: a query listing them in another order than the table, so that a
# STRING would land in a TIMESTAMP column, is refused (Flink: "Incompatible types for sink column").
table bid (auction BIGINT, extra STRING, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TABLE out (auction BIGINT, dateTime TIMESTAMP(3), extra STRING) WITH ('connector' = 'print');
INSERT INTO out
SELECT auction, extra, dateTime FROM bid
---- fail
SQL error at line 2, column 1: INSERT INTO out: column 2 of the table, dateTime, is TIMESTAMP(3), but the query's column 2 (extra) is STRING; the query's columns go to the table's by position: list them in the table's order, or CAST
