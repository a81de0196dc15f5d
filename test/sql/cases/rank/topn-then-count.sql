# A GROUP BY over a Top-N consumes its changelog: how many of the top-2 products each shop holds.
table sales (shop STRING, product STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT shop, COUNT(*) AS in_top2 FROM (
  SELECT shop, product, ROW_NUMBER() OVER (ORDER BY amount DESC) AS rn FROM sales
) WHERE rn <= 2 GROUP BY shop
---- input sales
{"shop": "s1", "product": "p1", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
{"shop": "s2", "product": "p2", "amount": 5, "rowtime": "2026-01-01 09:00:01"}
---- input sales
{"shop": "s1", "product": "p3", "amount": 7, "rowtime": "2026-01-01 09:00:02"}
---- output
+I[s1, 1]
+I[s2, 1]
-D[s2, 1]
-U[s1, 1]
+U[s1, 2]
