# Two INSERTs into one table with an updating result are named as missing.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
EXECUTE STATEMENT SET BEGIN
  INSERT INTO a SELECT bidder, COUNT(*) FROM bid GROUP BY bidder;
  INSERT INTO a SELECT auction, COUNT(*) FROM bid GROUP BY auction;
END;
---- fail
SQL error at line 3, column 3: INSERT INTO a: two INSERTs into one table with an updating result are not supported yet; combine the queries with UNION ALL
