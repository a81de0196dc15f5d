# INTERSECT binds tighter than EXCEPT and UNION (standard SQL, as Flink): a EXCEPT b INTERSECT c is
# a EXCEPT (b INTERSECT c). Here b INTERSECT c = {y}, so x stays and y is removed once c brings it.
table a (s STRING)
table b (s STRING)
table c (s STRING)
---- query
SELECT s FROM a EXCEPT SELECT s FROM b INTERSECT SELECT s FROM c
---- input a
{"s": "x"}
{"s": "y"}
---- input b
{"s": "x"}
{"s": "y"}
---- input c
{"s": "y"}
---- output
+I[x]
+I[y]
-D[y]
