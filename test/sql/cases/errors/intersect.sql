# INTERSECT is named as missing, with its own way around.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
table person (id BIGINT, name STRING, dateTime TIMESTAMP ROWTIME)
---- query
SELECT bidder FROM bid INTERSECT SELECT id FROM person
---- fail
SQL error at line 1, column 24: INTERSECT is not supported yet; express it with a join on all columns (and DISTINCT)
