# A DECIMAL result that needs more digits than its type is NULL, as in Flink: CAST('123.456' AS DECIMAL(4, 2))
# rounds to 123.46 (five digits); DECIMAL(38, 0) * DECIMAL(38, 0) is DECIMAL(38, 0) and 10^37 squared does not fit;
# SUM(DECIMAL(38, 0)) is DECIMAL(38, 0) and overflows to NULL. TRY_CAST of bad text is NULL.
table t (k STRING, s STRING, big DECIMAL(38, 0))
---- query
SELECT k, CAST(s AS DECIMAL(4, 2)), TRY_CAST(s AS DECIMAL(10, 2)), big * big, big + big
FROM t
---- input t
{"k": "a", "s": "123.456", "big": "10000000000000000000000000000000000000"}
{"k": "b", "s": "99.994", "big": "3"}
{"k": "c", "s": " 1e1 ", "big": "99999999999999999999999999999999999999"}
---- output
+I[a, NULL, 123.46, NULL, 20000000000000000000000000000000000000]
+I[b, 99.99, 99.99, 9, 6]
+I[c, 10.00, 10.00, NULL, NULL]
