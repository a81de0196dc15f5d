# Nexmark q12 needs processing time: named as missing where PROCTIME() is written.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
table person (id BIGINT, name STRING, dateTime TIMESTAMP ROWTIME)
---- query
CREATE VIEW B AS SELECT *, PROCTIME() as p_time FROM bid;
SELECT bidder, count(*) as bid_count, window_start AS starttime, window_end AS endtime
FROM TABLE(TUMBLE(TABLE B, DESCRIPTOR(p_time), INTERVAL '10' SECOND))
GROUP BY bidder, window_start, window_end
---- fail
SQL error at line 1, column 28: PROCTIME() (processing time) is not supported yet; windows, joins and OVER run on event time (the rowtime column)
