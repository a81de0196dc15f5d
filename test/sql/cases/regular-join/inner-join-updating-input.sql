# An INNER join accepts an updating input (a GROUP BY result): each -U/+U of the count becomes -D/+I joined.
table clicks (user_id STRING, rowtime TIMESTAMP ROWTIME)
table users (id STRING, name STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT u.name, c.cnt
FROM (SELECT user_id, COUNT(*) AS cnt FROM clicks GROUP BY user_id) c
JOIN users u ON c.user_id = u.id
---- input users
{"id": "u1", "name": "ann", "rowtime": "2026-01-01 09:00:00"}
---- input clicks
{"user_id": "u1", "rowtime": "2026-01-01 09:00:01"}
{"user_id": "u2", "rowtime": "2026-01-01 09:00:01"}
---- input clicks
{"user_id": "u1", "rowtime": "2026-01-01 09:00:02"}
---- input users
{"id": "u2", "name": "bob", "rowtime": "2026-01-01 09:00:03"}
---- output
+I[ann, 1]
-D[ann, 1]
+I[ann, 2]
+I[bob, 1]
