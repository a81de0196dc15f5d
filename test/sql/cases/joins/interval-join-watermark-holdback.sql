# An interval join holds its output watermark back by max(-lower, upper), as Flink does. Here a payment up to
# 10 minutes before the booking joins after the watermark has passed the payment's time; a window on the
# payment time after the join must still count it.
table booking (id STRING, rowtime TIMESTAMP ROWTIME)
table payment (oid STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*) AS n, TUMBLE_END(p.rowtime, INTERVAL '1' MINUTE) AS we
FROM booking b JOIN payment p ON b.id = p.oid AND p.rowtime BETWEEN b.rowtime - INTERVAL '10' MINUTE AND b.rowtime
GROUP BY TUMBLE(p.rowtime, INTERVAL '1' MINUTE)
---- input booking
{"id": "a", "rowtime": "2026-01-01 09:05:00"}
watermark 2026-01-01 09:01:00
---- input payment
watermark 2026-01-01 09:01:00
{"oid": "a", "rowtime": "2026-01-01 08:56:00"}
---- output
+I[1, 2026-01-01 08:57:00]
