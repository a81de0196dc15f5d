# The same without equality keys, written as JOIN ... ON.
table a (x STRING, rowtime TIMESTAMP ROWTIME)
table b (y STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT a.x, b.y FROM a JOIN b ON b.rowtime >= a.rowtime AND b.rowtime <= a.rowtime + INTERVAL '1' MINUTE
---- input a
{"x": "a1", "rowtime": "2026-01-01 09:00:00"}
---- input b
{"y": "b1", "rowtime": "2026-01-01 09:00:40"}
{"y": "b2", "rowtime": "2026-01-01 09:01:20"}
---- output
+I[a1, b1]
