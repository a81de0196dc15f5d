# Exact money sums on an updating GROUP BY, and on its changelog (the outer SUM retracts 0.30, adds 1.00).
table t (k STRING, price DECIMAL(10, 2), rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(s) AS total FROM (SELECT k, SUM(price) AS s FROM t GROUP BY k)
---- input t
{"k": "a", "price": 0.1, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "price": 0.2, "rowtime": "2026-01-01 09:00:02"}
batch
{"k": "a", "price": 0.7, "rowtime": "2026-01-01 09:00:03"}
{"k": "b", "price": 0.01, "rowtime": "2026-01-01 09:00:03"}
---- output
+I[0.30]
-U[0.30]
+U[1.01]
