# The TUMBLE table function on processing time without aggregation: each row gets the window of its arrival,
# and window_time (a processing-time attribute) reads as the arrival time.
table bid (auction BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TEMPORARY VIEW B AS SELECT *, PROCTIME() AS p FROM bid;
SELECT auction, window_start, window_end, CAST(window_time AS STRING) AS wt
FROM TABLE(TUMBLE(TABLE B, DESCRIPTOR(p), INTERVAL '10' SECOND))
---- input bid
proctime 2026-03-01 12:00:09.5
{"auction": 1, "price": 10, "dateTime": "2026-01-01 09:00:00"}
proctime 2026-03-01 12:00:10
{"auction": 2, "price": 10, "dateTime": "2026-01-01 08:00:00"}
---- output
+I[1, 2026-03-01 12:00:00, 2026-03-01 12:00:10, 2026-03-01 12:00:09.500]
+I[2, 2026-03-01 12:00:10, 2026-03-01 12:00:20, 2026-03-01 12:00:10.000]
