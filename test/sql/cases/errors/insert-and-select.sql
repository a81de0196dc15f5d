# A SELECT next to INSERTs has nowhere to go: every query of a job of INSERTs writes to a table.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
INSERT INTO a SELECT auction FROM bid;
SELECT bidder FROM bid
---- fail
SQL error at line 2, column 1: a SELECT next to INSERT INTO: in a job of INSERTs every query writes to a table; make the SELECT an INSERT INTO
