# || concatenates strings; NULL on either side gives NULL.
table t (s STRING, u STRING)
---- query
SELECT s || u, s || '-' || u, '' || s FROM t
---- input t
{"s": "ab", "u": "cd"}
{"s": "ab", "u": null}
{"s": "", "u": "x"}
---- output
+I[abcd, ab-cd, ab]
+I[NULL, NULL, ab]
+I[x, -x, ]
