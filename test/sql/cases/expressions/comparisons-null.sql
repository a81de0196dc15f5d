# Comparisons with NULL are UNKNOWN (NULL); WHERE keeps only TRUE.
table t (a INT, b INT)
---- query
SELECT a, b, a = b, a <> b, a < b, a <= b, a > b, a >= b, a = NULL FROM t
---- input t
{"a": 1, "b": 1}
{"a": 1, "b": 2}
{"a": 2, "b": 1}
{"a": null, "b": 1}
{"a": null, "b": null}
---- output
+I[1, 1, true, false, false, true, false, true, NULL]
+I[1, 2, false, true, true, true, false, false, NULL]
+I[2, 1, false, true, false, false, true, true, NULL]
+I[NULL, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL]
+I[NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL]
