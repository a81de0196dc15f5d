# Nexmark q12's processing-time window: refused by name at the DESCRIPTOR until processing-time windows exist.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
table person (id BIGINT, name STRING, dateTime TIMESTAMP ROWTIME)
---- query
CREATE VIEW B AS SELECT *, PROCTIME() as p_time FROM bid;
SELECT bidder, count(*) as bid_count, window_start AS starttime, window_end AS endtime
FROM TABLE(TUMBLE(TABLE B, DESCRIPTOR(p_time), INTERVAL '10' SECOND))
GROUP BY bidder, window_start, window_end
---- fail
SQL error at line 3, column 28: TUMBLE on a processing-time attribute is not supported yet
