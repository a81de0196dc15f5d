# SUM and AVG of DECIMAL columns: exact at the scale (SUM keeps the scale, AVG has at least 6 digits).
table t (price DECIMAL(10, 2), rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(price), AVG(price), MIN(price), SUM(price * 2) FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"price": 0.1, "rowtime": "2026-01-01 09:00:01"}
{"price": 0.2, "rowtime": "2026-01-01 09:00:02"}
{"price": 1.45, "rowtime": "2026-01-01 09:00:03"}
---- output
+I[1.75, 0.583333, 0.10, 3.50]
