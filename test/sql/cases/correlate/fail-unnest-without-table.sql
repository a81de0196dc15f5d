table orders (id STRING, tags ARRAY<STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM UNNEST(ARRAY[1, 2]) AS t(x)
---- fail
SQL error at line 1, column 15: UNNEST needs a table before it, e.g. FROM t CROSS JOIN UNNEST(t.arr) AS u(x) or FROM t, LATERAL TABLE(fn(t.a)) AS f(c)
