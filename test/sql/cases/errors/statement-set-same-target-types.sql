# Two INSERTs into one table must give the same column types (the table has one sink).
table bid (auction BIGINT, bidder BIGINT, price DOUBLE, dateTime TIMESTAMP ROWTIME)
---- query
EXECUTE STATEMENT SET BEGIN
  INSERT INTO a SELECT auction FROM bid;
  INSERT INTO a SELECT price FROM bid;
END;
---- fail
SQL error at line 3, column 3: INSERT INTO a: this query gives (DOUBLE), another INSERT into a gives (BIGINT); CAST the columns to the same types
