# Nexmark q13's shape: bids joined, at processing time, with a keyed side table (the script's PRIMARY KEY
# makes it a versioned table: each row is the newest version of its key). Each bid takes the value its key
# has when the bid arrives: bid 3 comes after key 3's second row, so it sees 'three-b'; key 9 has no row.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
table side_input (key BIGINT, `value` STRING)
---- query
CREATE TABLE side_input (key BIGINT, `value` STRING, PRIMARY KEY (key) NOT ENFORCED)
WITH ('connector' = 'filesystem', 'path' = 'side.jsonl', 'format' = 'json');
SELECT B.auction, B.bidder, B.price, B.dateTime, S.`value`
FROM (SELECT *, PROCTIME() AS p_time FROM bid) B
JOIN side_input FOR SYSTEM_TIME AS OF B.p_time AS S
ON mod(B.auction, 10000) = S.key
---- input side_input
{"key": 1, "value": "one"}
{"key": 3, "value": "three"}
---- input bid
{"auction": 10001, "bidder": 7, "price": 5, "dateTime": "2026-01-01 09:00:00"}
{"auction": 9, "bidder": 8, "price": 6, "dateTime": "2026-01-01 09:00:01"}
---- input side_input
{"key": 3, "value": "three-b"}
---- input bid
{"auction": 20003, "bidder": 7, "price": 9, "dateTime": "2026-01-01 09:00:02"}
---- output
+I[10001, 7, 5, 2026-01-01 09:00:00, one]
+I[20003, 7, 9, 2026-01-01 09:00:02, three-b]
