# Flink's set-operation example (t1 = c, a, b, b, c; t2 = d, e, a, b, b): EXCEPT gives c. On a stream the result
# follows the counts as rows arrive (t1 first here), so a and b are inserted, then deleted when t2 brings them.
table t1 (s STRING)
table t2 (s STRING)
---- query
(SELECT s FROM t1) EXCEPT (SELECT s FROM t2)
---- input t1
{"s": "c"}
{"s": "a"}
{"s": "b"}
{"s": "b"}
{"s": "c"}
---- input t2
{"s": "d"}
{"s": "e"}
{"s": "a"}
{"s": "b"}
{"s": "b"}
---- output
+I[c]
+I[a]
+I[b]
-D[a]
-D[b]
