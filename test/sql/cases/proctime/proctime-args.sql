# PROCTIME takes no arguments.
table bid (auction BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
SELECT auction, PROCTIME(dateTime) FROM bid
---- fail
SQL error at line 1, column 17: PROCTIME() takes no arguments
