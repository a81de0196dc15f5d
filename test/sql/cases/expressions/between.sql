# BETWEEN is inclusive and asymmetric (low > high matches nothing); NULL bounds give UNKNOWN or FALSE.
table t (a INT)
---- query
SELECT a, a BETWEEN 1 AND 3, a NOT BETWEEN 1 AND 3, a BETWEEN 3 AND 1, a BETWEEN NULL AND 3 FROM t
---- input t
{"a": 1}
{"a": 3}
{"a": 5}
{"a": null}
---- output
+I[1, true, false, false, NULL]
+I[3, true, false, false, NULL]
+I[5, false, true, false, false]
+I[NULL, NULL, NULL, NULL, NULL]
