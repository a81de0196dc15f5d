# LIKE with % and _, ESCAPE, regex characters taken literally, NOT LIKE and NULL.
table t (s STRING)
---- query
SELECT s, s LIKE 'a%', s LIKE '_b%', s LIKE '100!%' ESCAPE '!', s LIKE 'a.c', s NOT LIKE '%c' FROM t
---- input t
{"s": "abc"}
{"s": "a.c"}
{"s": "100%"}
{"s": "1000"}
{"s": ""}
{"s": null}
---- output
+I[abc, true, true, false, false, false]
+I[a.c, true, false, false, true, false]
+I[100%, false, false, true, false, true]
+I[1000, false, false, false, false, true]
+I[, false, false, false, false, true]
+I[NULL, NULL, NULL, NULL, NULL, NULL]
