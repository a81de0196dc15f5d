# INSERT INTO a created table maps columns by position, as Flink: the counts must agree.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TABLE out (auction BIGINT, price BIGINT) WITH ('connector' = 'print');
INSERT INTO out
SELECT auction FROM bid
---- fail
SQL error at line 2, column 1: INSERT INTO out: the query gives 1 column (auction), the table has 2 columns (auction, price)
