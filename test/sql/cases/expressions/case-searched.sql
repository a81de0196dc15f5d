# Searched CASE: the first TRUE branch wins; a NULL condition is not TRUE; branches widen INT to DOUBLE.
table t (a INT, x DOUBLE)
---- query
SELECT CASE WHEN a > 10 THEN 'big' WHEN a > 5 THEN 'mid' WHEN a IS NULL THEN 'none' ELSE 'small' END,
  CASE WHEN x > 0 THEN x ELSE 0 END
FROM t
---- input t
{"a": 11, "x": 2.5}
{"a": 6, "x": -1}
{"a": 1, "x": null}
{"a": null, "x": 0}
---- output
+I[big, 2.5]
+I[mid, 0.0]
+I[small, 0.0]
+I[none, 0.0]
