# The group-window form on a processing-time attribute: GROUP BY TUMBLE(p, ...) with TUMBLE_START / TUMBLE_END
# and TUMBLE_PROCTIME (the window's processing-time attribute: read, it is the clock when the window fired, as
# Flink materializes a processing-time attribute when it is read). Late event times do not matter: rows are
# windowed by arrival.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
SELECT bidder, COUNT(*) AS n, SUM(price) AS total,
  TUMBLE_START(p, INTERVAL '1' MINUTE) AS ws, TUMBLE_END(p, INTERVAL '1' MINUTE) AS we,
  CAST(TUMBLE_PROCTIME(p, INTERVAL '1' MINUTE) AS STRING) AS wt
FROM (SELECT *, PROCTIME() AS p FROM bid)
GROUP BY bidder, TUMBLE(p, INTERVAL '1' MINUTE)
---- input bid
proctime 2026-03-01 12:00:30
{"auction": 1, "bidder": 7, "price": 10, "dateTime": "2026-03-01 11:00:00"}
watermark 2026-03-01 13:00:00
{"auction": 2, "bidder": 7, "price": 20, "dateTime": "2026-03-01 11:00:00"}
proctime 2026-03-01 12:01:00
{"auction": 3, "bidder": 7, "price": 5, "dateTime": "2026-03-01 11:00:00"}
proctime 2026-03-01 12:02:00.250
---- output
+I[7, 2, 30, 2026-03-01 12:00:00, 2026-03-01 12:01:00, 2026-03-01 12:01:00.000]
+I[7, 1, 5, 2026-03-01 12:01:00, 2026-03-01 12:02:00, 2026-03-01 12:02:00.250]
