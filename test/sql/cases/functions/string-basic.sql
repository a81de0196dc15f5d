# UPPER, LOWER, CHAR_LENGTH (characters), INITCAP (Calcite: only ASCII letters and digits continue a word), REPLACE, POSITION.
table t (s STRING)
---- query
SELECT UPPER(s), LOWER(s), CHAR_LENGTH(s), INITCAP(s), REPLACE(s, 'a', 'o'), POSITION('l' IN s) FROM t
---- input t
{"s": "héllo wORLD"}
{"s": "banana"}
{"s": null}
---- output
+I[HÉLLO WORLD, héllo world, 11, HéLlo World, héllo wORLD, 3]
+I[BANANA, banana, 6, Banana, bonono, 0]
+I[NULL, NULL, NULL, NULL, NULL, NULL]
