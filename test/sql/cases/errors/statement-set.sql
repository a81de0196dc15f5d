# Statement sets are named as missing.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
table person (id BIGINT, name STRING, dateTime TIMESTAMP ROWTIME)
---- query
EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT * FROM bid; END;
---- fail
SQL error at line 1, column 1: statement sets (EXECUTE STATEMENT SET) are not supported yet: a job runs one query, into the sink of its config
