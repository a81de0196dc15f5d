# A table written by one INSERT and read by another is named as missing at the read (Flink would read the sink
# table's connector).
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TABLE a (auction BIGINT) WITH ('connector' = 'print');
CREATE TABLE b (auction BIGINT) WITH ('connector' = 'print');
INSERT INTO a SELECT auction FROM bid;
INSERT INTO b SELECT auction FROM a;
---- fail
SQL error at line 4, column 35: table 'a' is written by an INSERT of this job; reading an INSERT's target in the same job is not supported yet
