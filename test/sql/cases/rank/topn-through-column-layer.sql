# A middle layer selecting some of the columns (the rank kept, the time column dropped, one renamed); the
# outermost SELECT projects the rank away, so the Top-N emits rows without it (-D pushed out, then +I entering).
table sales (category STRING, product STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT item, amount FROM (
  SELECT product AS item, amount, pos FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY amount DESC) AS pos FROM sales
  )
) WHERE pos <= 2
---- input sales
{"category": "fruit", "product": "apple", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
{"category": "fruit", "product": "pear", "amount": 5, "rowtime": "2026-01-01 09:00:01"}
{"category": "fruit", "product": "kiwi", "amount": 20, "rowtime": "2026-01-01 09:00:02"}
---- output
+I[apple, 10]
+I[pear, 5]
-D[pear, 5]
+I[kiwi, 20]
