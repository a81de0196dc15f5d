# MAP with INT keys subscripted by a number and by a column; a MAP value in a comparison.
table t (m MAP<INT, STRING>, k INT)
---- query
SELECT m[1], m[k], m[k] = 'two' FROM t
---- input t
{"m": {"1": "one", "2": "two"}, "k": 2}
{"m": {"1": "one"}, "k": null}
---- output
+I[one, two, true]
+I[one, NULL, NULL]
