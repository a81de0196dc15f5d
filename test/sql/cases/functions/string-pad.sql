# LPAD / RPAD pad with a repeated string, truncate when the input is longer; an empty pad gives NULL (Flink).
table t (s STRING)
---- query
SELECT LPAD(s, 4, '??'), RPAD(s, 5, 'ab'), LPAD(s, 1, '?'), RPAD(s, 2, '') FROM t
---- input t
{"s": "hi"}
---- output
+I[??hi, hiaba, h, NULL]
