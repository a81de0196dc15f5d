# CREATE FUNCTION names a function of the UDF folders; an unknown one is named, with the closest name.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TEMPORARY FUNCTION up AS 'UPPPER';
SELECT up(CAST(auction AS STRING)) FROM bid
---- fail
SQL error at line 1, column 33: CREATE FUNCTION up: no function 'UPPPER' in the UDF folders; did you mean 'UPPER'?
