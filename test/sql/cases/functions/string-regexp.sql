# REGEXP_EXTRACT (group index, no match gives NULL), REGEXP_REPLACE, SPLIT_INDEX (0-based, out of range NULL).
table t (s STRING)
---- query
SELECT REGEXP_EXTRACT(s, 'foo(.*?)(bar)', 2), REGEXP_EXTRACT(s, '(\d+)', 1), REGEXP_REPLACE(s, 'oo|ar', ''),
  SPLIT_INDEX('Jack,John,Mary', ',', 2), SPLIT_INDEX('Jack,John,Mary', ',', 3)
FROM t
---- input t
{"s": "foothebar"}
---- output
+I[bar, NULL, ftheb, Mary, NULL]
