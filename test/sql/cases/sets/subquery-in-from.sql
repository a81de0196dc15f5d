# Sub-queries in FROM, with and without an alias, with the alias used to qualify columns.
table t (k STRING, v INT)
---- query
SELECT s.k, s.w + 1 FROM (SELECT k, v * 10 AS w FROM (SELECT k, v FROM t WHERE v IS NOT NULL)) AS s
---- input t
{"k": "a", "v": 1}
{"k": "b", "v": null}
---- output
+I[a, 11]
