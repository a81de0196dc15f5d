# The comma form `FROM t, UNNEST(t.arr) AS u(x)` is the same correlated join; SELECT * keeps input columns first.
table orders (id STRING, qty ARRAY<INT>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM orders, UNNEST(orders.qty) AS u(q) WHERE q > 1
---- input orders
{"id": "a", "qty": [1, 2, 3], "rowtime": "2026-01-01 09:00:00"}
{"id": "b", "qty": [5], "rowtime": "2026-01-01 09:00:01"}
---- output
+I[a, [1, 2, 3], 2026-01-01 09:00:00, 2]
+I[a, [1, 2, 3], 2026-01-01 09:00:00, 3]
+I[b, [5], 2026-01-01 09:00:01, 5]
