# PROCTIME() in a SELECT (Nexmark q12/q13's sub-query form): a TIMESTAMP_LTZ(3) processing-time attribute whose
# value is the wall clock when the row is read; CAST to STRING prints it with its 3 fraction digits. The case's
# clock moves only with `proctime` lines; rows read in one batch share one instant.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
SELECT auction, p_time, CAST(p_time AS STRING) AS p_text, dateTime
FROM (SELECT *, PROCTIME() AS p_time FROM bid)
---- input bid
proctime 2026-03-01 12:00:00.250
{"auction": 1, "bidder": 7, "price": 10, "dateTime": "2026-01-01 09:00:00"}
{"auction": 2, "bidder": 8, "price": 20, "dateTime": "2026-01-01 09:00:01"}
proctime 2026-03-01 12:00:05
{"auction": 3, "bidder": 7, "price": 30, "dateTime": "2025-12-31 23:59:59"}
---- output
+I[1, 2026-03-01 12:00:00.250, 2026-03-01 12:00:00.250, 2026-01-01 09:00:00]
+I[2, 2026-03-01 12:00:00.250, 2026-03-01 12:00:00.250, 2026-01-01 09:00:01]
+I[3, 2026-03-01 12:00:05, 2026-03-01 12:00:05.000, 2025-12-31 23:59:59]
