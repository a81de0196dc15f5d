# GROUP BY an ARRAY or a MAP column groups equal values together (by value, not by object identity).
table t (tags ARRAY<STRING>, m MAP<STRING, INT>, k STRING)
---- query
SELECT tags, m, COUNT(*) AS n FROM t GROUP BY tags, m
UNION ALL
SELECT tags, CAST(NULL AS MAP<STRING, INT>), COUNT(*) FROM t GROUP BY tags
---- input t
{"tags": ["a"], "m": {"x": 1}, "k": "a"}
{"tags": ["a"], "m": {"y": 2}, "k": "a"}
{"tags": ["a"], "m": {"y": 2}, "k": "a"}
{"tags": ["a", "b"], "m": {"y": 2}, "k": "a"}
---- output unordered
+I[[a], {x=1}, 1]
+I[[a], {y=2}, 2]
+I[[a, b], {y=2}, 1]
+I[[a], NULL, 3]
+I[[a, b], NULL, 1]
