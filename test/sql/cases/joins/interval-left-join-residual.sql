# LEFT interval join with a residual condition: a candidate failing it does not count as a match, so the
# left row is NULL-padded; SELECT * names the repeated columns id0, rowtime0.
table booking (id STRING, v INT, rowtime TIMESTAMP ROWTIME)
table payment (id STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM booking b LEFT JOIN payment p ON b.id = p.id AND p.amount >= b.v
  AND p.rowtime BETWEEN b.rowtime AND b.rowtime + INTERVAL '1' MINUTE
---- input booking
{"id": "a", "v": 10, "rowtime": "2026-01-01 09:00:00"}
{"id": "b", "v": 1, "rowtime": "2026-01-01 09:00:00"}
---- input payment
{"id": "a", "amount": 5, "rowtime": "2026-01-01 09:00:10"}
{"id": "b", "amount": 5, "rowtime": "2026-01-01 09:00:10"}
---- output
+I[b, 1, 2026-01-01 09:00:00, b, 5, 2026-01-01 09:00:10]
+I[a, 10, 2026-01-01 09:00:00, NULL, NULL, NULL]
