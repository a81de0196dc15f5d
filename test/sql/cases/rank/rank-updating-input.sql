# RANK() = 1 over an updating GROUP BY result: a retraction removes the row from its rank first; a tie for
# first keeps both products, and a new leader pushes the other out.
table sales (product STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT product, total, rk FROM (
  SELECT product, total, RANK() OVER (ORDER BY total DESC) AS rk
  FROM (SELECT product, SUM(amount) AS total FROM sales GROUP BY product)
) WHERE rk = 1
---- input sales
{"product": "a", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
---- input sales
{"product": "b", "amount": 10, "rowtime": "2026-01-01 09:00:01"}
---- input sales
{"product": "a", "amount": 5, "rowtime": "2026-01-01 09:00:02"}
---- input sales
{"product": "a", "amount": -8, "rowtime": "2026-01-01 09:00:03"}
---- output
+I[a, 10, 1]
+I[b, 10, 1]
-D[a, 10, 1]
-D[b, 10, 1]
+I[a, 15, 1]
-D[a, 15, 1]
+I[b, 10, 1]
