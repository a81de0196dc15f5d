# Flink's set-operation example (t1 = c, a, b, b, c; t2 = d, e, a, b, b): INTERSECT ALL gives a, b, b. On a stream the result
# follows the counts as rows arrive (t1 first here), one copy per matching pair.
table t1 (s STRING)
table t2 (s STRING)
---- query
(SELECT s FROM t1) INTERSECT ALL (SELECT s FROM t2)
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
+I[a]
+I[b]
+I[b]
