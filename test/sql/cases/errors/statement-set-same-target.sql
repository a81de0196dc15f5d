# Two INSERTs into one table are named as missing, at the second INSERT (Flink would write both).
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
EXECUTE STATEMENT SET BEGIN
  INSERT INTO a SELECT auction FROM bid;
  INSERT INTO a SELECT bidder FROM bid;
END;
---- fail
SQL error at line 3, column 3: INSERT INTO a: a second INSERT into the same table is not supported yet; combine the queries with UNION ALL
