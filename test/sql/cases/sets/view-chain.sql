# A view built on another view, and a view used twice in a UNION ALL.
table t (k STRING, v INT)
---- query
CREATE TEMPORARY VIEW positive AS SELECT k, v FROM t WHERE v > 0;
CREATE VIEW big AS SELECT k, v FROM positive WHERE v > 10;
SELECT k, v, 'pos' AS tag FROM positive UNION ALL SELECT k, v, 'big' FROM big
---- input t
{"k": "a", "v": 5}
{"k": "b", "v": 50}
{"k": "c", "v": -1}
---- output unordered
+I[a, 5, pos]
+I[b, 50, pos]
+I[b, 50, big]
