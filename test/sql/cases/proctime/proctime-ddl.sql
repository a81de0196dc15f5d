# A computed column `p AS PROCTIME()` in CREATE TABLE (a Flink SQL script): the table's columns in their DDL
# order, the computed one evaluated on the processing-time clock as each row is read; a filter on a physical
# column works as on any table.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TABLE bid (
  auction BIGINT,
  p AS PROCTIME(),
  bidder BIGINT,
  price BIGINT,
  dateTime TIMESTAMP(3),
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'bid', 'properties.bootstrap.servers' = 'localhost:9092', 'format' = 'json');
CREATE TABLE out (auction BIGINT, p TIMESTAMP_LTZ(3), price BIGINT) WITH ('connector' = 'print');
INSERT INTO out SELECT auction, p, price FROM bid WHERE price > 10;
---- input bid
proctime 2026-03-01 12:00:00
{"auction": 1, "bidder": 7, "price": 10, "dateTime": "2026-01-01 09:00:00"}
{"auction": 2, "bidder": 8, "price": 20, "dateTime": "2026-01-01 09:00:01"}
proctime 2026-03-01 12:00:01.5
{"auction": 3, "bidder": 7, "price": 30, "dateTime": "2026-01-01 09:00:02"}
---- output
+I[2, 2026-03-01 12:00:00, 20]
+I[3, 2026-03-01 12:00:01.500, 30]
