# CAST of a string that is not a number fails the query (use TRY_CAST to get NULL).
table t (s STRING)
---- query
SELECT CAST(s AS INT) FROM t
---- input t
{"s": "12"}
{"s": "abc"}
---- fail
cannot CAST abc AS INT (use TRY_CAST to get NULL instead)
