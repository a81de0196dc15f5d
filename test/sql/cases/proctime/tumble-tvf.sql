# Nexmark q12's shape: a TUMBLE window table function on a PROCTIME() attribute. Rows go to the window of the
# wall clock when they arrive (their event time is not read), and a window fires when the clock passes its end,
# not when a watermark does: the watermark below moves far ahead and fires nothing.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TEMPORARY VIEW B AS SELECT *, PROCTIME() AS p_time FROM bid;
SELECT bidder, count(*) AS bid_count, window_start AS starttime, window_end AS endtime
FROM TABLE(TUMBLE(TABLE B, DESCRIPTOR(p_time), INTERVAL '10' SECOND))
GROUP BY bidder, window_start, window_end
---- input bid
proctime 2026-03-01 12:00:01
{"auction": 1, "bidder": 7, "price": 10, "dateTime": "2020-01-01 00:00:00"}
{"auction": 2, "bidder": 8, "price": 20, "dateTime": "2030-01-01 00:00:00"}
proctime 2026-03-01 12:00:09.999
{"auction": 3, "bidder": 7, "price": 30, "dateTime": "2020-01-01 00:00:00"}
watermark 2031-01-01 00:00:00
proctime 2026-03-01 12:00:10
{"auction": 4, "bidder": 7, "price": 40, "dateTime": "2020-01-01 00:00:00"}
proctime 2026-03-01 12:00:35
{"auction": 5, "bidder": 8, "price": 50, "dateTime": "2020-01-01 00:00:00"}
proctime 2026-03-01 12:00:39.999
---- output
+I[7, 2, 2026-03-01 12:00:00, 2026-03-01 12:00:10]
+I[8, 1, 2026-03-01 12:00:00, 2026-03-01 12:00:10]
+I[7, 1, 2026-03-01 12:00:10, 2026-03-01 12:00:20]
