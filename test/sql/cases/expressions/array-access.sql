# ARRAY subscript is 1-based; out of range gives NULL; CARDINALITY; ELEMENT of a one-element array.
table t (arr ARRAY<INT>, one ARRAY<STRING>)
---- query
SELECT arr[1], arr[3], arr[4], CARDINALITY(arr), ELEMENT(one) FROM t
---- input t
{"arr": [10, 20, 30], "one": ["x"]}
{"arr": [], "one": []}
{"arr": null, "one": null}
---- output
+I[10, 30, NULL, 3, x]
+I[NULL, NULL, NULL, 0, NULL]
+I[NULL, NULL, NULL, NULL, NULL]
