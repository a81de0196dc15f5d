# DECIMAL values compare by value with INT, BIGINT, DOUBLE and other scales (1.50 = 1.5 = 1.500), group
# by value, and work in IN lists, BETWEEN, CASE and COALESCE (the common type's scale is printed).
table t (p DECIMAL(10, 2), i INT, d DOUBLE)
---- query
SELECT p, COUNT(*),
  MAX(CASE WHEN p = i THEN 'eq-int' WHEN p = d THEN 'eq-double' WHEN p > 1.499 THEN 'gt' ELSE 'other' END),
  MAX(p IN (1.5, 2)), MAX(p BETWEEN 1 AND 1.5), MAX(COALESCE(p, CAST(0 AS DECIMAL(10, 4)))), MAX(p + d), MAX(p * i)
FROM t GROUP BY p
---- input t
{"p": 1.5, "i": 1, "d": 1.5}
{"p": "1.50", "i": 2, "d": 0.25}
{"p": 2, "i": 2, "d": 0.1}
{"p": 0.1, "i": 0, "d": 0.1}
---- output unordered
+I[1.50, 2, gt, true, true, 1.5000, 3.0, 3.00]
+I[2.00, 1, eq-int, true, false, 2.0000, 2.1, 4.00]
+I[0.10, 1, eq-double, false, false, 0.1000, 0.2, 0.00]
