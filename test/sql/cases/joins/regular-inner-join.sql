# Regular INNER join: every pair with equal keys joins, whichever side arrives first; NULL keys never match.
table users (id STRING, name STRING)
table orders (oid STRING, uid STRING, amount INT)
---- query
SELECT orders.oid, users.name, orders.amount FROM orders JOIN users ON orders.uid = users.id
---- input orders
{"oid": "o1", "uid": "u1", "amount": 10}
{"oid": "o2", "uid": null, "amount": 20}
---- input users
{"id": "u1", "name": "Ana"}
{"id": "u2", "name": "Budi"}
{"id": null, "name": "Nobody"}
---- input orders
{"oid": "o3", "uid": "u2", "amount": 30}
{"oid": "o4", "uid": "u1", "amount": 40}
---- output
+I[o1, Ana, 10]
+I[o3, Budi, 30]
+I[o4, Ana, 40]
