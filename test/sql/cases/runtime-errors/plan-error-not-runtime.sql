# A type error is found while planning: `---- fail`, not `---- error` (that is for failures while records flow).
table t (a INT)
---- query
SELECT a / 'x' FROM t
---- fail
SQL error at line 1, column 10: operator / needs numbers, found INT and STRING
