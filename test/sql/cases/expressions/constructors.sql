# ARRAY[...] and MAP[...] constructors, subscripted and measured.
table t (a INT, s STRING)
---- query
SELECT ARRAY[a, a + 1, 7], ARRAY[a, a + 1][2], MAP['k', s, 'j', 'v'], MAP['k', s]['k'], CARDINALITY(ARRAY[s, s]) FROM t
---- input t
{"a": 1, "s": "x"}
{"a": null, "s": null}
---- output
+I[[1, 2, 7], 2, {k=x, j=v}, x, 2]
+I[[NULL, NULL, 7], NULL, {k=NULL, j=v}, NULL, 2]
