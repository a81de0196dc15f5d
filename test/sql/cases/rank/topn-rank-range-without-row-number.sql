# rn > 1 AND rn <= 3 without the rank column: Flink emits a range not starting at 1 per rank even then
# (its row-less algorithm cannot handle an offset), so a rank whose row changed is -U old row / +U new row.
table sales (category STRING, product STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT category, product, amount FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY amount DESC) AS rn FROM sales
) WHERE rn > 1 AND rn <= 3
---- input sales
{"category": "fruit", "product": "apple", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
{"category": "fruit", "product": "pear", "amount": 5, "rowtime": "2026-01-01 09:00:01"}
{"category": "fruit", "product": "kiwi", "amount": 20, "rowtime": "2026-01-01 09:00:02"}
{"category": "fruit", "product": "plum", "amount": 1, "rowtime": "2026-01-01 09:00:03"}
{"category": "fruit", "product": "fig", "amount": 10, "rowtime": "2026-01-01 09:00:04"}
---- output
+I[fruit, pear, 5]
-U[fruit, pear, 5]
+U[fruit, apple, 10]
+I[fruit, pear, 5]
-U[fruit, pear, 5]
+U[fruit, fig, 10]
