# An interval join needs no equality key: every pair within the time bounds joins.
table a (x STRING, rowtime TIMESTAMP ROWTIME)
table b (y STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT a.x, b.y FROM a, b WHERE b.rowtime BETWEEN a.rowtime AND a.rowtime + INTERVAL '1' MINUTE
---- input a
{"x": "a1", "rowtime": "2026-01-01 09:00:00"}
{"x": "a2", "rowtime": "2026-01-01 09:00:30"}
---- input b
{"y": "b1", "rowtime": "2026-01-01 09:00:40"}
{"y": "b2", "rowtime": "2026-01-01 09:01:20"}
---- output unordered
+I[a1, b1]
+I[a2, b1]
+I[a2, b2]
