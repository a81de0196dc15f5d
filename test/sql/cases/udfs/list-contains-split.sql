# ListContains (a NULL array is false) and Split (Java semantics: trailing empty parts dropped), subscripted.
table t (tags ARRAY<STRING>, names STRING)
---- query
SELECT ListContains(tags, 'b'), Split(names, ','), CARDINALITY(Split(names, ',')), Split(names, ',')[2] FROM t
---- input t
{"tags": ["a", "b"], "names": "a,b,,c,,"}
{"tags": [], "names": ",,"}
{"tags": null, "names": null}
---- output
+I[true, [a, b, , c], 4, b]
+I[false, [], 0, NULL]
+I[false, [], 0, NULL]
