# DECIMAL division by zero fails like Java's BigDecimal.divide in Flink (DOUBLE division gives Infinity instead).
table t (a DECIMAL(10, 2), b DECIMAL(10, 2))
---- query
SELECT a / b FROM t
---- input t
{"a": 1, "b": 4}
{"a": 1, "b": 0}
---- error
at line 1, column 10: division by zero
