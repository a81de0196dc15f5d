# CAST of DOUBLE / FLOAT to STRING prints like Java (7.0, 1.0E20, 1.0E-4); a string out of INT range does not
# CAST to INT (TRY_CAST gives NULL) while a decimal part is truncated; DECIMAL casts round half up.
table t (x DOUBLE, s STRING, b BOOLEAN, f FLOAT)
---- query
SELECT CAST(x AS STRING), CAST(x AS STRING) || '', CAST(b AS STRING), TRY_CAST(s AS INT), CAST(1.005 AS DECIMAL(10, 2)), CAST(-2.5 AS DECIMAL(10, 0)),
  CAST(true AS INT), CAST(f AS STRING), x * 1
FROM t
---- input t
{"x": 7, "s": "2147483648", "b": true, "f": 1.5}
{"x": 1e20, "s": "-12", "b": false, "f": 2}
{"x": 0.0001, "s": "1.9", "b": null, "f": null}
---- output
+I[7.0, 7.0, true, NULL, 1.01, -3, 1, 1.5, 7.0]
+I[1.0E20, 1.0E20, false, -12, 1.01, -3, 1, 2.0, 1.0E20]
+I[1.0E-4, 1.0E-4, NULL, 1, 1.01, -3, 1, NULL, 1.0E-4]
