# A statement set with two INSERTs reading one table: each INSERT writes its own table (rows prefixed by it),
# one a filter, the other a TUMBLE count whose windows fire on the shared watermark. As in Flink, each
# INSERT's query columns go to its table's columns by position.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TABLE cheap (id BIGINT, cost BIGINT) WITH ('connector' = 'print');
CREATE TABLE per_channel (channel STRING, bids BIGINT, window_end TIMESTAMP(3)) WITH ('connector' = 'print');
EXECUTE STATEMENT SET
BEGIN
  INSERT INTO cheap SELECT auction, price FROM bid WHERE price < 100;
  INSERT INTO per_channel
  SELECT channel, COUNT(*), TUMBLE_END(dateTime, INTERVAL '1' MINUTE) FROM bid
  GROUP BY channel, TUMBLE(dateTime, INTERVAL '1' MINUTE);
END;
---- input bid
{"auction": 1, "bidder": 7, "price": 50, "channel": "apple", "dateTime": "2026-01-01 09:00:00"}
{"auction": 2, "bidder": 8, "price": 500, "channel": "google", "dateTime": "2026-01-01 09:00:30"}
{"auction": 3, "bidder": 9, "price": 20, "channel": "apple", "dateTime": "2026-01-01 09:00:59"}
watermark 2026-01-01 09:01:00
---- input bid
{"auction": 4, "bidder": 7, "price": 70, "channel": "google", "dateTime": "2026-01-01 09:01:10"}
---- output unordered
cheap +I[1, 50]
cheap +I[3, 20]
per_channel +I[apple, 2, 2026-01-01 09:01:00]
per_channel +I[google, 1, 2026-01-01 09:01:00]
cheap +I[4, 70]
per_channel +I[google, 1, 2026-01-01 09:02:00]
