# rn = 2: the second row of each partition only (Flink reads rn = N as ranks N..N).
table sales (category STRING, product STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT product, amount FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY amount DESC) AS rn FROM sales
) WHERE 2 = rn
---- input sales
{"category": "fruit", "product": "apple", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
{"category": "fruit", "product": "pear", "amount": 5, "rowtime": "2026-01-01 09:00:01"}
{"category": "fruit", "product": "kiwi", "amount": 20, "rowtime": "2026-01-01 09:00:02"}
{"category": "fruit", "product": "plum", "amount": 1, "rowtime": "2026-01-01 09:00:03"}
---- output
+I[pear, 5]
-U[pear, 5]
+U[apple, 10]
