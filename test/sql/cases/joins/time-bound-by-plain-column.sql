# Nexmark q4's shape: `B.dateTime BETWEEN A.dateTime AND A.expires` bounds the bid's time by the auction's
# time from below, but from above by `expires`, a plain TIMESTAMP column. Flink plans a regular join with
# the whole condition kept; the aggregate above it is updating (a batch's updates to one key are coalesced).
table auction (id BIGINT, category BIGINT, dateTime TIMESTAMP ROWTIME, expires TIMESTAMP)
table bid (auction BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
SELECT MAX(B.price) AS final, A.category
FROM auction A, bid B
WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
GROUP BY A.id, A.category
---- input auction
{"id": 1, "category": 10, "dateTime": "2026-01-01 09:00:00", "expires": "2026-01-01 09:10:00"}
{"id": 2, "category": 10, "dateTime": "2026-01-01 09:00:00", "expires": "2026-01-01 09:01:00"}
---- input bid
{"auction": 1, "price": 5, "dateTime": "2026-01-01 09:01:00"}
{"auction": 1, "price": 7, "dateTime": "2026-01-01 09:09:59"}
{"auction": 1, "price": 9, "dateTime": "2026-01-01 09:10:01"}
{"auction": 2, "price": 3, "dateTime": "2026-01-01 08:59:59"}
{"auction": 2, "price": 4, "dateTime": "2026-01-01 09:00:30"}
watermark 2026-01-01 12:00:00
---- input bid
{"auction": 2, "price": 6, "dateTime": "2026-01-01 09:00:40"}
---- output
+I[7, 10]
+I[4, 10]
-U[4, 10]
+U[6, 10]
