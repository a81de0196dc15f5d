# Regular join with a residual condition and a filter after the join; aliases qualify columns.
table users (id STRING, tier INT)
table orders (oid STRING, uid STRING, amount INT)
---- query
SELECT o.oid, u.tier FROM orders AS o INNER JOIN users u ON o.uid = u.id AND o.amount > u.tier * 10 WHERE u.tier > 0
---- input users
{"id": "u1", "tier": 1}
{"id": "u2", "tier": 0}
---- input orders
{"oid": "o1", "uid": "u1", "amount": 5}
{"oid": "o2", "uid": "u1", "amount": 15}
{"oid": "o3", "uid": "u2", "amount": 15}
---- output
+I[o2, 1]
