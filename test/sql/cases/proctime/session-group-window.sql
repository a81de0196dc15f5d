# SESSION on processing time: rows arriving less than the gap apart share a session; it closes when the clock
# passes the last arrival plus the gap.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
SELECT bidder, COUNT(*) AS n, SESSION_START(p, INTERVAL '10' SECOND) AS s, SESSION_END(p, INTERVAL '10' SECOND) AS e
FROM (SELECT *, PROCTIME() AS p FROM bid)
GROUP BY bidder, SESSION(p, INTERVAL '10' SECOND)
---- input bid
proctime 2026-03-01 12:00:00
{"auction": 1, "bidder": 7, "price": 10, "dateTime": "2026-03-01 11:00:00"}
proctime 2026-03-01 12:00:08
{"auction": 2, "bidder": 7, "price": 10, "dateTime": "2026-03-01 11:00:00"}
{"auction": 3, "bidder": 8, "price": 10, "dateTime": "2026-03-01 11:00:00"}
proctime 2026-03-01 12:00:17.999
proctime 2026-03-01 12:00:18
---- output
+I[7, 2, 2026-03-01 12:00:00, 2026-03-01 12:00:18]
+I[8, 1, 2026-03-01 12:00:08, 2026-03-01 12:00:18]
