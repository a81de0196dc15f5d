# The time attribute survives renaming in a sub-query; GROUP BY a nested field with the window.
table t (r ROW<a INT, b STRING>, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT r.b AS b, COUNT(*), SUM(v), TUMBLE_END(et, INTERVAL '1' MINUTE) FROM (SELECT rowtime AS et, r, v FROM t)
GROUP BY r.b, TUMBLE(et, INTERVAL '1' MINUTE)
---- input t
{"r": {"a": 1, "b": "x"}, "v": 1, "rowtime": "2026-01-01 09:00:01"}
{"r": {"a": 2, "b": "x"}, "v": 2, "rowtime": "2026-01-01 09:00:02"}
{"r": {"a": 2, "b": "y"}, "v": 4, "rowtime": "2026-01-01 09:00:03"}
---- output unordered
+I[x, 2, 3, 2026-01-01 09:01:00]
+I[y, 1, 4, 2026-01-01 09:01:00]
