# When the only match of a left row is retracted by an updating right input, the padded row comes back (+I).
table users (id STRING, name STRING, rowtime TIMESTAMP ROWTIME)
table credits (user_id STRING, delta INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT u.name, c.balance
FROM users u
LEFT JOIN (SELECT user_id, SUM(delta) AS balance FROM credits GROUP BY user_id HAVING SUM(delta) > 0) c
  ON u.id = c.user_id
---- input users
{"id": "u1", "name": "ann", "rowtime": "2026-01-01 09:00:00"}
---- input credits
{"user_id": "u1", "delta": 5, "rowtime": "2026-01-01 09:00:01"}
---- input credits
{"user_id": "u1", "delta": 3, "rowtime": "2026-01-01 09:00:02"}
---- input credits
{"user_id": "u1", "delta": -8, "rowtime": "2026-01-01 09:00:03"}
---- output
+I[ann, NULL]
-D[ann, NULL]
+I[ann, 5]
-D[ann, 5]
+I[ann, NULL]
-D[ann, NULL]
+I[ann, 8]
-D[ann, 8]
+I[ann, NULL]
