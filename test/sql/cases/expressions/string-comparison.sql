# Strings compare by code unit order (case-sensitive); equality is exact (no trimming).
table t (a STRING, b STRING)
---- query
SELECT a < b, a = b, a >= b FROM t
---- input t
{"a": "B", "b": "a"}
{"a": "abc", "b": "abd"}
{"a": "x ", "b": "x"}
{"a": "", "b": "a"}
---- output
+I[true, false, false]
+I[true, false, false]
+I[false, false, true]
+I[true, false, false]
