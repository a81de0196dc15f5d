# TRY_CAST gives NULL for values that do not convert.
table t (s STRING)
---- query
SELECT s, TRY_CAST(s AS INT), TRY_CAST(s AS DOUBLE), TRY_CAST(s AS BOOLEAN), TRY_CAST(s AS TIMESTAMP(3)) FROM t
---- input t
{"s": "12"}
{"s": "abc"}
{"s": "2026-03-04 05:06:07"}
{"s": null}
---- output
+I[12, 12, 12.0, NULL, NULL]
+I[abc, NULL, NULL, NULL, NULL]
+I[2026-03-04 05:06:07, NULL, NULL, NULL, 2026-03-04 05:06:07]
+I[NULL, NULL, NULL, NULL, NULL]
