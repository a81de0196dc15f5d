# TUMBLE_ROWTIME names the event-time attribute of a window; a processing-time window has none.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*), TUMBLE_ROWTIME(p, INTERVAL '1' MINUTE)
FROM (SELECT *, PROCTIME() AS p FROM bid) GROUP BY TUMBLE(p, INTERVAL '1' MINUTE)
---- fail
SQL error at line 1, column 18: TUMBLE_ROWTIME needs a window on an event-time attribute; this TUMBLE window is on processing time (use TUMBLE_PROCTIME)
