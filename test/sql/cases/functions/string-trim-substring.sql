# TRIM (BOTH / LEADING / TRAILING, with characters), SUBSTRING in both syntaxes (1-based).
table t (s STRING)
---- query
SELECT TRIM(s), TRIM(LEADING 'x' FROM 'xxaxx'), TRIM(TRAILING 'x' FROM 'xxaxx'), TRIM(BOTH 'x' FROM 'xxaxx'),
  SUBSTRING('hello', 2, 3), SUBSTRING('hello' FROM 3), SUBSTRING('hello' FROM 2 FOR 2), SUBSTR(TRIM(s), 1, 1)
FROM t
---- input t
{"s": "  pad me  "}
---- output
+I[pad me, axx, xxa, a, ell, llo, el, p]
