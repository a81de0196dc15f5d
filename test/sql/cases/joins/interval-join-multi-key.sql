# Two equality keys and a residual (non-equi) condition.
table o (city STRING, id STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
table p (city STRING, oid STRING, paid DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT o.city, o.id, p.paid FROM o JOIN p ON o.city = p.city AND o.id = p.oid AND p.paid >= o.amount
  AND p.rowtime BETWEEN o.rowtime AND o.rowtime + INTERVAL '1' HOUR
---- input o
{"city": "JKT", "id": "1", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
{"city": "BDG", "id": "1", "amount": 10, "rowtime": "2026-01-01 09:00:00"}
---- input p
{"city": "JKT", "oid": "1", "paid": 10, "rowtime": "2026-01-01 09:10:00"}
{"city": "JKT", "oid": "1", "paid": 5, "rowtime": "2026-01-01 09:11:00"}
{"city": "BDG", "oid": "2", "paid": 50, "rowtime": "2026-01-01 09:12:00"}
{"city": null, "oid": "1", "paid": 50, "rowtime": "2026-01-01 09:12:00"}
---- output
+I[JKT, 1, 10.0]
