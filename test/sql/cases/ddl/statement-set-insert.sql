# A Flink SQL script's statements in one case: SET, the sink's CREATE TABLE, CREATE FUNCTION naming a function
# under another name, CREATE VIEW, and a statement set with one INSERT (its query's columns go to the sink's
# columns by position).
table bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP ROWTIME)
---- query
SET 'pipeline.name' = 'q';
CREATE TABLE out (auction BIGINT, channel STRING, doubled BIGINT) WITH ('connector' = 'print');
CREATE TEMPORARY FUNCTION shout AS 'UPPER';
CREATE TEMPORARY VIEW cheap AS SELECT * FROM bid WHERE price < 100;
EXECUTE STATEMENT SET
BEGIN
  INSERT INTO out SELECT auction, shout(channel), price * 2 FROM cheap;
END;
---- input bid
{"auction": 1, "bidder": 7, "price": 50, "channel": "apple", "dateTime": "2026-01-01 09:00:00"}
{"auction": 2, "bidder": 8, "price": 500, "channel": "google", "dateTime": "2026-01-01 09:00:01"}
---- output
+I[1, APPLE, 100]
