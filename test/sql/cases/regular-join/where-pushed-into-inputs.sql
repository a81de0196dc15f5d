# WHERE conjuncts that read one input of an inner join are evaluated before the join (Nexmark q3's form): the same rows come out,
# and rows that cannot pass never enter the join's state.
table auction (id BIGINT, seller BIGINT, category BIGINT, rowtime TIMESTAMP ROWTIME)
table person (id BIGINT, name STRING, state STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT P.name, P.state, A.id FROM auction AS A INNER JOIN person AS P ON A.seller = P.id WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'CA')
---- input person
{"id": 1, "name": "ann", "state": "OR", "rowtime": "2026-01-01 09:00:00"}
{"id": 2, "name": "bob", "state": "WA", "rowtime": "2026-01-01 09:00:00"}
{"id": 3, "name": "cid", "state": "CA", "rowtime": "2026-01-01 09:00:00"}
---- input auction
{"id": 100, "seller": 1, "category": 10, "rowtime": "2026-01-01 09:00:01"}
{"id": 101, "seller": 2, "category": 10, "rowtime": "2026-01-01 09:00:01"}
{"id": 102, "seller": 3, "category": 11, "rowtime": "2026-01-01 09:00:01"}
{"id": 103, "seller": 3, "category": 10, "rowtime": "2026-01-01 09:00:02"}
---- output
+I[ann, OR, 100]
+I[cid, CA, 103]
