# ROW_NUMBER() over a named window.
table sales (category STRING, product STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT product FROM (
  SELECT product, ROW_NUMBER() OVER w AS rn FROM sales WINDOW w AS (PARTITION BY category ORDER BY amount DESC)
) WHERE rn <= 1
---- input sales
{"category": "fruit", "product": "apple", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
{"category": "fruit", "product": "kiwi", "amount": 20, "rowtime": "2026-01-01 09:00:02"}
---- output
+I[apple]
-U[apple]
+U[kiwi]
