# DDL syntax errors name line and column: a PRIMARY KEY must be NOT ENFORCED, as Flink requires.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TABLE out (
  auction BIGINT,
  PRIMARY KEY (auction)
) WITH ('connector' = 'print');
INSERT INTO out SELECT auction FROM bid
---- fail
SQL error at line 4, column 1: Flink needs PRIMARY KEY (...) NOT ENFORCED, found ')'
