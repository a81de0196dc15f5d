# CAST of a string that is not a number fails the query (use TRY_CAST to get NULL); the error names the CAST.
table t (s STRING)
---- query
SELECT CAST(s AS INT) FROM t
---- input t
{"s": "12"}
{"s": "abc"}
---- error
at line 1, column 8: cannot CAST abc AS INT (use TRY_CAST to get NULL instead)
