# Top-N over ranks 2..3 (rn BETWEEN 2 AND 3), as Flink's ConstantRankRange(2, 3): per rank, only ranks 2
# and 3 are emitted; the row at rank 1 never is.
table sales (category STRING, product STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT category, product, amount, rn FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY amount DESC) AS rn FROM sales
) WHERE rn BETWEEN 2 AND 3
---- input sales
{"category": "fruit", "product": "apple", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
{"category": "fruit", "product": "pear", "amount": 5, "rowtime": "2026-01-01 09:00:01"}
{"category": "fruit", "product": "kiwi", "amount": 20, "rowtime": "2026-01-01 09:00:02"}
{"category": "fruit", "product": "plum", "amount": 1, "rowtime": "2026-01-01 09:00:03"}
{"category": "fruit", "product": "fig", "amount": 10, "rowtime": "2026-01-01 09:00:04"}
---- output
+I[fruit, pear, 5, 2]
-U[fruit, pear, 5, 2]
+U[fruit, apple, 10, 2]
+I[fruit, pear, 5, 3]
-U[fruit, pear, 5, 3]
+U[fruit, fig, 10, 3]
