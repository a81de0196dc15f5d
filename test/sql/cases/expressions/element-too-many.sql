# ELEMENT of an array with more than one element fails, as in Flink; the error names the call.
table t (arr ARRAY<INT>)
---- query
SELECT ELEMENT(arr) FROM t
---- input t
{"arr": [1, 2]}
---- error
at line 1, column 8: ELEMENT: the array has 2 elements; ELEMENT needs at most one
