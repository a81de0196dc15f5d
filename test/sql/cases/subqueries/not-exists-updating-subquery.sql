# The sub-query of NOT EXISTS may be updating: when its last matching row is retracted, the outer row
# comes back. A customer is blocked from its second open complaint on; the third updates the count row
# (-U[ann, 2] then +U[ann, 3]), so, as in Flink, the order comes back and is retracted again.
table orders (id STRING, customer STRING, rowtime TIMESTAMP ROWTIME)
table complaints (customer STRING, open BOOLEAN, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.id FROM orders o
WHERE NOT EXISTS (
  SELECT * FROM (SELECT customer, COUNT(*) AS n FROM complaints WHERE open GROUP BY customer) c
  WHERE c.customer = o.customer AND c.n >= 2)
---- input orders
{"id": "o1", "customer": "ann", "rowtime": "2026-01-01 09:00:00"}
---- input complaints
{"customer": "ann", "open": true, "rowtime": "2026-01-01 09:00:01"}
---- input complaints
{"customer": "ann", "open": true, "rowtime": "2026-01-01 09:00:02"}
---- input complaints
{"customer": "ann", "open": true, "rowtime": "2026-01-01 09:00:03"}
---- output
+I[o1]
-D[o1]
+I[o1]
-D[o1]
