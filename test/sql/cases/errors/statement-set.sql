# A statement set with several INSERTs is named as missing, at the second INSERT (one job writes one sink).
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
EXECUTE STATEMENT SET BEGIN
  INSERT INTO a SELECT auction FROM bid;
  INSERT INTO b SELECT bidder FROM bid;
END;
---- fail
SQL error at line 3, column 3: a statement set with more than one INSERT is not supported yet: a job writes one sink; run each INSERT as its own job
