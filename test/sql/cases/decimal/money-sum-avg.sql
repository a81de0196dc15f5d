# SUM / AVG of money stay exact: ten times 0.10 is 1.00 (a plain double sum gives 0.9999999999999999);
# AVG of DECIMAL(10, 2) is DECIMAL(38, 6), rounded half up at that scale.
table t (k STRING, price DECIMAL(10, 2), qty INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, COUNT(*), SUM(price), AVG(price), SUM(price * qty), MAX(price)
FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"k": "a", "price": 0.1, "qty": 1, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "price": 0.1, "qty": 1, "rowtime": "2026-01-01 09:00:02"}
{"k": "a", "price": 0.1, "qty": 1, "rowtime": "2026-01-01 09:00:03"}
{"k": "a", "price": 0.1, "qty": 1, "rowtime": "2026-01-01 09:00:04"}
{"k": "a", "price": 0.1, "qty": 1, "rowtime": "2026-01-01 09:00:05"}
{"k": "a", "price": 0.1, "qty": 1, "rowtime": "2026-01-01 09:00:06"}
{"k": "a", "price": 0.1, "qty": 1, "rowtime": "2026-01-01 09:00:07"}
{"k": "a", "price": 0.1, "qty": 1, "rowtime": "2026-01-01 09:00:08"}
{"k": "a", "price": 0.1, "qty": 1, "rowtime": "2026-01-01 09:00:09"}
{"k": "a", "price": 0.1, "qty": 1, "rowtime": "2026-01-01 09:00:10"}
{"k": "b", "price": 19.99, "qty": 3, "rowtime": "2026-01-01 09:00:01"}
{"k": "b", "price": 0.07, "qty": 3, "rowtime": "2026-01-01 09:00:02"}
{"k": "b", "price": 1.15, "qty": 1, "rowtime": "2026-01-01 09:00:03"}
---- output unordered
+I[a, 10, 1.00, 0.100000, 1.00, 0.10]
+I[b, 3, 21.21, 7.070000, 61.33, 19.99]
