# A time condition that bounds one side only is not an interval join (Flink needs a lower and an upper bound
# for that): it is a regular join with the condition as a residual, keeping all rows. Watermarks do not
# expire anything, so a row far behind the watermark still joins; the result has no time attribute.
table a (id STRING, rowtime TIMESTAMP ROWTIME)
table b (id STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT a.id, b.rowtime AS b_time FROM a JOIN b ON a.id = b.id AND b.rowtime >= a.rowtime
---- input a
{"id": "x", "rowtime": "2026-01-01 09:00:00"}
{"id": "y", "rowtime": "2026-01-01 09:05:00"}
---- input b
{"id": "x", "rowtime": "2026-01-01 08:59:00"}
{"id": "x", "rowtime": "2026-01-01 09:01:00"}
watermark 2026-01-01 10:00:00
---- input b
{"id": "y", "rowtime": "2026-01-01 09:06:00"}
---- input a
{"id": "x", "rowtime": "2026-01-01 08:58:00"}
---- output
+I[x, 2026-01-01 09:01:00]
+I[y, 2026-01-01 09:06:00]
+I[x, 2026-01-01 08:59:00]
+I[x, 2026-01-01 09:01:00]
