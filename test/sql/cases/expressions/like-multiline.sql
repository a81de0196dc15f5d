# % and _ match any character, newlines included.
table t (s STRING)
---- query
SELECT s LIKE 'a%b', s LIKE 'a_b' FROM t
---- input t
{"s": "a\nb"}
---- output
+I[true, true]
