# A rank end read from a column (Flink's variable rank range, `rn <= topn`): each partition keeps as many rows
# as its first row's `topn` says. A later row with another `topn` does not change it (fruit's 3 below: Flink
# keeps the first value and counts the row as invalid). Same rows as Flink's own AppendOnlyTopNFunction test.
table items (category STRING, topn BIGINT, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT category, topn, amount, rn FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY category ORDER BY amount) AS rn FROM items
) WHERE rn <= topn
---- input items
{"category": "book", "topn": 2, "amount": 12, "rowtime": "2026-01-01 09:00:00"}
{"category": "book", "topn": 2, "amount": 19, "rowtime": "2026-01-01 09:00:01"}
{"category": "book", "topn": 2, "amount": 11, "rowtime": "2026-01-01 09:00:02"}
{"category": "fruit", "topn": 1, "amount": 33, "rowtime": "2026-01-01 09:00:03"}
{"category": "fruit", "topn": 3, "amount": 44, "rowtime": "2026-01-01 09:00:04"}
{"category": "fruit", "topn": 1, "amount": 22, "rowtime": "2026-01-01 09:00:05"}
---- output
+I[book, 2, 12, 1]
+I[book, 2, 19, 2]
-U[book, 2, 12, 1]
+U[book, 2, 11, 1]
-U[book, 2, 19, 2]
+U[book, 2, 12, 2]
+I[fruit, 1, 33, 1]
-U[fruit, 1, 33, 1]
+U[fruit, 1, 22, 1]
