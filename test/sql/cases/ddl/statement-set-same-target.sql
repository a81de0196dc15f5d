# Two INSERTs into one table (as Flink allows): both write the table's one sink, each row as its query gives
# it, the columns taken by position.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TABLE ids (id BIGINT, what STRING) WITH ('connector' = 'print');
EXECUTE STATEMENT SET BEGIN
  INSERT INTO ids SELECT auction, 'auction' FROM bid;
  INSERT INTO ids SELECT bidder, 'bidder' FROM bid WHERE price > 10;
END;
---- input bid
{"auction": 1, "bidder": 7, "price": 50, "dateTime": "2026-01-01 09:00:00"}
{"auction": 2, "bidder": 8, "price": 5, "dateTime": "2026-01-01 09:00:01"}
---- output unordered
ids +I[1, auction]
ids +I[2, auction]
ids +I[7, bidder]
