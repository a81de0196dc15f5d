# Typical money arithmetic on DECIMAL is exact at the declared scale (the harness flags a value that is not
# exactly the decimal it prints): 19.99 * 3 = 59.97, 0.10 * 3 = 0.30 (not 0.30000000000000004), a 15% tax
# keeps four digits (DECIMAL(10, 2) * DECIMAL(3, 2) = DECIMAL(13, 4)), CAST rounds half up.
table t (price DECIMAL(10, 2), qty INT)
---- query
SELECT price * qty, price * 1.15, price + 0.01, price - 0.1, CAST(price AS DECIMAL(10, 1)), price / 4
FROM t
---- input t
{"price": 19.99, "qty": 3}
{"price": 0.1, "qty": 3}
{"price": 0.07, "qty": 100}
---- output
+I[59.97, 22.9885, 20.00, 19.89, 20.0, 4.9975000000000]
+I[0.30, 0.1150, 0.11, 0.00, 0.1, 0.0250000000000]
+I[7.00, 0.0805, 0.08, -0.03, 0.1, 0.0175000000000]
