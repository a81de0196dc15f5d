# INT arithmetic overflows like Java's int (wraps), BIGINT does not at INT range.
table t (a INT, b BIGINT)
---- query
SELECT a + 1, a * 2, b + 1, -a - 2 FROM t
---- input t
{"a": 2147483647, "b": 2147483647}
---- output
+I[-2147483648, -2, 2147483648, 2147483647]
