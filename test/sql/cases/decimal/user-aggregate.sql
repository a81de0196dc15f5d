# A user aggregate with DECIMAL parameters (Dagger's PercentileAggregator(DECIMAL(30, 3), DECIMAL(30, 3))) gets
# the values as numbers, as before exact DECIMAL; its DOUBLE result prints the Java way.
table t (k STRING, price DECIMAL(10, 2), rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, PercentileAggregator(50, price) FROM t GROUP BY k, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"k": "a", "price": 1.10, "rowtime": "2026-01-01 09:00:01"}
{"k": "a", "price": 2.20, "rowtime": "2026-01-01 09:00:02"}
{"k": "a", "price": 3.30, "rowtime": "2026-01-01 09:00:03"}
---- output
+I[a, 2.2]
