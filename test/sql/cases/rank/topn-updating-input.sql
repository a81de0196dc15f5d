# Top-2 over an updating GROUP BY result: a key's total moves, retractions shift ranks, a row comes back.
table sales (product STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT product, total, rn FROM (
  SELECT product, total, ROW_NUMBER() OVER (ORDER BY total DESC) AS rn
  FROM (SELECT product, SUM(amount) AS total FROM sales GROUP BY product)
) WHERE rn <= 2
---- input sales
{"product": "a", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
---- input sales
{"product": "b", "amount": 5, "rowtime": "2026-01-01 09:00:01"}
---- input sales
{"product": "c", "amount": 7, "rowtime": "2026-01-01 09:00:02"}
---- input sales
{"product": "b", "amount": 10, "rowtime": "2026-01-01 09:00:03"}
---- input sales
{"product": "a", "amount": -8, "rowtime": "2026-01-01 09:00:04"}
---- output
+I[a, 10, 1]
+I[b, 5, 2]
-U[b, 5, 2]
+U[c, 7, 2]
-U[a, 10, 1]
+U[b, 15, 1]
-U[c, 7, 2]
+U[a, 10, 2]
-U[a, 10, 2]
+U[c, 7, 2]
