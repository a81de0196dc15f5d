# Integer division by zero fails the query, as Flink's ArithmeticException does.
table t (a INT, b INT)
---- query
SELECT a / b FROM t
---- input t
{"a": 1, "b": 0}
---- fail
division by zero
