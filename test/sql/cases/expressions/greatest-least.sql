# GREATEST / LEAST: NULL if any argument is NULL (Flink); strings compare lexicographically.
table t (a INT, b INT, s STRING, u STRING)
---- query
SELECT GREATEST(a, b, 3), LEAST(a, b, 3), GREATEST(s, u), LEAST(s, u) FROM t
---- input t
{"a": 1, "b": 5, "s": "apple", "u": "banana"}
{"a": 4, "b": 2, "s": "b", "u": "a"}
{"a": null, "b": 2, "s": null, "u": "a"}
---- output
+I[5, 1, banana, apple]
+I[4, 2, b, a]
+I[NULL, NULL, NULL, NULL]
