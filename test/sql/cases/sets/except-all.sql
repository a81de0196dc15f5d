# Flink's set-operation example (t1 = c, a, b, b, c; t2 = d, e, a, b, b): EXCEPT ALL gives c, c. On a stream the result
# follows the counts as rows arrive (t1 first here), each right row deleting one left copy.
table t1 (s STRING)
table t2 (s STRING)
---- query
(SELECT s FROM t1) EXCEPT ALL (SELECT s FROM t2)
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
+I[b]
+I[c]
-D[a]
-D[b]
-D[b]
