# IN / NOT IN with NULLs: x IN (1, NULL) is NULL unless x = 1; NOT IN (.., NULL) is never TRUE.
table t (a INT, s STRING)
---- query
SELECT a, a IN (1, 2), a IN (1, NULL), a NOT IN (1, NULL), a NOT IN (1, 2), s IN ('x', 'y') FROM t
---- input t
{"a": 1, "s": "x"}
{"a": 3, "s": "z"}
{"a": null, "s": null}
---- output
+I[1, true, true, false, false, true]
+I[3, false, NULL, NULL, true, false]
+I[NULL, NULL, NULL, NULL, NULL, NULL]
