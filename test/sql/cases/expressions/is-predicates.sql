# IS [NOT] TRUE / FALSE / NULL / UNKNOWN never return NULL.
table t (p BOOLEAN)
---- query
SELECT p IS TRUE, p IS NOT TRUE, p IS FALSE, p IS NOT FALSE, p IS NULL, p IS NOT NULL, p IS UNKNOWN FROM t
---- input t
{"p": true}
{"p": false}
{"p": null}
---- output
+I[true, false, false, true, false, true, false]
+I[false, true, true, false, false, true, false]
+I[false, true, false, true, true, false, true]
