# Integer division by zero fails the query, as Flink's ArithmeticException does; the error names the operator.
table t (a INT, b INT)
---- query
SELECT a / b FROM t
---- input t
{"a": 1, "b": 0}
---- error
at line 1, column 10: division by zero
