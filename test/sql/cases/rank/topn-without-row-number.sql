# The same Top-2 without the rank column: the row a new one pushes out is -D, then the new row +I (the order
# Flink's AppendOnlyTopNFunction emits them in, so a consumer keyed by the partition ends on the new row).
table sales (category STRING, product STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT category, product, amount FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY amount DESC) AS rn FROM sales
) WHERE rn <= 2
---- input sales
{"category": "fruit", "product": "apple", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
{"category": "fruit", "product": "pear", "amount": 5, "rowtime": "2026-01-01 09:00:01"}
{"category": "fruit", "product": "kiwi", "amount": 20, "rowtime": "2026-01-01 09:00:02"}
{"category": "fruit", "product": "plum", "amount": 1, "rowtime": "2026-01-01 09:00:03"}
{"category": "veg", "product": "leek", "amount": 3, "rowtime": "2026-01-01 09:00:04"}
{"category": "fruit", "product": "fig", "amount": 10, "rowtime": "2026-01-01 09:00:05"}
---- output
+I[fruit, apple, 10]
+I[fruit, pear, 5]
-D[fruit, pear, 5]
+I[fruit, kiwi, 20]
+I[veg, leek, 3]
