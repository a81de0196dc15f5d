# Nexmark q8 in its group-window form (GROUP BY TUMBLE, TUMBLE_START / TUMBLE_END): new people who opened an
# auction in the same 10-second window. The bounds are equal on both sides, so it is a window join: each
# window's pairs come out once, when the watermark passes its end, and its state is dropped. Person 2's
# auction (12 s) is in the next window and does not match its registration (8 s); person 3 registers out of
# order; a person arriving after their window closed is late and dropped.
table person (id BIGINT, name STRING, dateTime TIMESTAMP ROWTIME)
table auction (id BIGINT, seller BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
SELECT P.id, P.name, P.starttime
FROM (
  SELECT P.id, P.name,
         TUMBLE_START(P.dateTime, INTERVAL '10' SECOND) AS starttime,
         TUMBLE_END(P.dateTime, INTERVAL '10' SECOND) AS endtime
  FROM person P
  GROUP BY P.id, P.name, TUMBLE(P.dateTime, INTERVAL '10' SECOND)
) P
JOIN (
  SELECT A.seller,
         TUMBLE_START(A.dateTime, INTERVAL '10' SECOND) AS starttime,
         TUMBLE_END(A.dateTime, INTERVAL '10' SECOND) AS endtime
  FROM auction A
  GROUP BY A.seller, TUMBLE(A.dateTime, INTERVAL '10' SECOND)
) A
ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime
---- input person
{"id": 1, "name": "ann", "dateTime": "2026-01-01 00:00:01"}
{"id": 2, "name": "bob", "dateTime": "2026-01-01 00:00:08"}
{"id": 3, "name": "cy", "dateTime": "2026-01-01 00:00:15"}
{"id": 4, "name": "di", "dateTime": "2026-01-01 00:00:12"}
---- input auction
{"id": 100, "seller": 1, "dateTime": "2026-01-01 00:00:05"}
{"id": 101, "seller": 1, "dateTime": "2026-01-01 00:00:06"}
{"id": 102, "seller": 2, "dateTime": "2026-01-01 00:00:12"}
{"id": 103, "seller": 4, "dateTime": "2026-01-01 00:00:19"}
{"id": 104, "seller": 5, "dateTime": "2026-01-01 00:00:02"}
---- input person
watermark 2026-01-01 00:00:10
---- input auction
watermark 2026-01-01 00:00:10
---- input person
{"id": 5, "name": "eve", "dateTime": "2026-01-01 00:00:03"}
---- output
+I[1, ann, 2026-01-01 00:00:00]
+I[4, di, 2026-01-01 00:00:10]
