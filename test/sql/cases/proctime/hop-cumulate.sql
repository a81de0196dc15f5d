# HOP and CUMULATE window table functions on processing time (each fires when the clock passes a window's end,
# CUMULATE once per step), unioned.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TEMPORARY VIEW B AS SELECT *, PROCTIME() AS p FROM bid;
SELECT 'hop' AS w, COUNT(*) AS n, window_start, window_end
FROM TABLE(HOP(TABLE B, DESCRIPTOR(p), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
GROUP BY window_start, window_end
UNION ALL
SELECT 'cum' AS w, COUNT(*) AS n, window_start, window_end
FROM TABLE(CUMULATE(TABLE B, DESCRIPTOR(p), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
GROUP BY window_start, window_end
---- input bid
proctime 2026-03-01 12:00:02
{"auction": 1, "bidder": 7, "price": 10, "dateTime": "2026-03-01 11:00:00"}
proctime 2026-03-01 12:00:07
{"auction": 2, "bidder": 7, "price": 10, "dateTime": "2026-03-01 11:00:00"}
proctime 2026-03-01 12:00:11
proctime 2026-03-01 12:00:20
---- output unordered
+I[hop, 1, 2026-03-01 11:59:55, 2026-03-01 12:00:05]
+I[cum, 1, 2026-03-01 12:00:00, 2026-03-01 12:00:05]
+I[hop, 2, 2026-03-01 12:00:00, 2026-03-01 12:00:10]
+I[cum, 2, 2026-03-01 12:00:00, 2026-03-01 12:00:10]
+I[hop, 1, 2026-03-01 12:00:05, 2026-03-01 12:00:15]
