# Simple CASE: NULL operand matches no WHEN (NULL = 1 is unknown) and takes ELSE; no ELSE gives NULL.
table t (a INT)
---- query
SELECT CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END, CASE a WHEN 1 THEN 10 END FROM t
---- input t
{"a": 1}
{"a": 2}
{"a": 3}
{"a": null}
---- output
+I[one, 10]
+I[two, NULL]
+I[many, NULL]
+I[many, NULL]
