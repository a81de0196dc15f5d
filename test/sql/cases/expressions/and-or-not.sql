# Kleene three-valued logic: the full AND / OR / NOT truth table with NULL.
table t (p BOOLEAN, q BOOLEAN)
---- query
SELECT p, q, p AND q, p OR q, NOT p FROM t
---- input t
{"p": true, "q": true}
{"p": true, "q": false}
{"p": true, "q": null}
{"p": false, "q": true}
{"p": false, "q": false}
{"p": false, "q": null}
{"p": null, "q": true}
{"p": null, "q": false}
{"p": null, "q": null}
---- output
+I[true, true, true, true, false]
+I[true, false, false, true, false]
+I[true, NULL, NULL, true, false]
+I[false, true, false, true, true]
+I[false, false, false, false, true]
+I[false, NULL, false, NULL, true]
+I[NULL, true, NULL, true, NULL]
+I[NULL, false, false, NULL, NULL]
+I[NULL, NULL, NULL, NULL, NULL]
