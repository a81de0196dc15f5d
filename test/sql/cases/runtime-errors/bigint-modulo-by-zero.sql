# BIGINT % 0 fails like Java's ArithmeticException; the error names the % of line 2 (not the SELECT).
table t (k STRING, v BIGINT, d BIGINT)
---- query
SELECT k,
  v % d AS r
FROM t
---- input t
{"k": "a", "v": 7, "d": 2}
{"k": "b", "v": 7, "d": 0}
---- error
at line 2, column 5: division by zero
