# Integer literals beyond INT are BIGINT; beyond 2^53 they stay exact.
table t (a INT)
---- query
SELECT a + 3000000000, 9007199254740993 + a, 2147483647 + a FROM t
---- input t
{"a": 1}
---- output
+I[3000000001, 9007199254740994, -2147483648]
