# ELEMENT on a two-element array names the ELEMENT call, also inside another expression.
table t (arr ARRAY<STRING>)
---- query
SELECT UPPER(
  ELEMENT(arr)) FROM t
---- input t
{"arr": ["x"]}
{"arr": ["x", "y"]}
---- error
at line 2, column 3: ELEMENT: the array has 2 elements; ELEMENT needs at most one
