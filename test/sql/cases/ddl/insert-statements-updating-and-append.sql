# Two plain INSERT statements (no statement set) run as one job too: one branch is an updating aggregate (its
# changelog goes to its own table, emitted at the end of each batch as mini-batch aggregation does), the other
# stays append-only (rows as they come), and both read the table through one view.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TABLE totals (bidder BIGINT, spent BIGINT, PRIMARY KEY (bidder) NOT ENFORCED) WITH ('connector' = 'print');
CREATE TABLE big (auction BIGINT, bidder BIGINT) WITH ('connector' = 'print');
CREATE TEMPORARY VIEW valid AS SELECT * FROM bid WHERE price > 0;
INSERT INTO totals SELECT bidder, SUM(price) FROM valid GROUP BY bidder;
INSERT INTO big SELECT auction, bidder FROM valid WHERE price >= 100;
---- input bid
{"auction": 1, "bidder": 7, "price": 50, "dateTime": "2026-01-01 09:00:00"}
---- input bid
{"auction": 2, "bidder": 7, "price": 150, "dateTime": "2026-01-01 09:00:01"}
---- input bid
{"auction": 3, "bidder": 8, "price": -5, "dateTime": "2026-01-01 09:00:02"}
{"auction": 4, "bidder": 8, "price": 100, "dateTime": "2026-01-01 09:00:03"}
---- output
totals +I[7, 50]
big +I[2, 7]
totals -U[7, 50]
totals +U[7, 200]
big +I[4, 8]
totals +I[8, 100]
