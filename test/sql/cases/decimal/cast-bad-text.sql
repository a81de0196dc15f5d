# CAST of text that is not a number to DECIMAL fails the job at the CAST (TRY_CAST gives NULL instead).
table t (s STRING)
---- query
SELECT CAST(s AS DECIMAL(10, 2)) FROM t
---- input t
{"s": "1.5"}
{"s": "1.5.5"}
---- error
at line 1, column 8: cannot CAST 1.5.5 AS DECIMAL(10, 2) (use TRY_CAST to get NULL instead)
