# A failed CAST in WHERE names the CAST's line and column.
table t (k STRING, s STRING)
---- query
SELECT k
FROM t
WHERE k <> 'x' AND CAST(s AS BIGINT) > 0
---- input t
{"k": "a", "s": "12"}
{"k": "b", "s": "12x"}
---- error
at line 3, column 20: cannot CAST 12x AS BIGINT (use TRY_CAST to get NULL instead)
