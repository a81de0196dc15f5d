# Flink's window join documentation example: FULL JOIN of two TUMBLE(5 min) window TVFs on num and the
# window bounds. L2 (12:06) and R2 (12:01) fall in different windows and do not join. A window's rows are
# joined when the watermark passes its end; the result is append-only. After the first window closed, a
# left row for it (12:03, 9) is late and dropped (it would otherwise show up NULL-padded).
table LeftTable (row_time TIMESTAMP ROWTIME, num INT, id STRING)
table RightTable (row_time TIMESTAMP ROWTIME, num INT, id STRING)
---- query
SELECT L.num as L_Num, L.id as L_Id, R.num as R_Num, R.id as R_Id,
  COALESCE(L.window_start, R.window_start) as window_start, COALESCE(L.window_end, R.window_end) as window_end
FROM (
    SELECT * FROM TABLE(TUMBLE(TABLE LeftTable, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))
) L
FULL JOIN (
    SELECT * FROM TABLE(TUMBLE(TABLE RightTable, DESCRIPTOR(row_time), INTERVAL '5' MINUTES))
) R
ON L.num = R.num AND L.window_start = R.window_start AND L.window_end = R.window_end
---- input LeftTable
{"row_time": "2020-04-15 12:02:00", "num": 1, "id": "L1"}
{"row_time": "2020-04-15 12:06:00", "num": 2, "id": "L2"}
{"row_time": "2020-04-15 12:03:00", "num": 3, "id": "L3"}
watermark 2020-04-15 12:04:59
---- input RightTable
{"row_time": "2020-04-15 12:01:00", "num": 2, "id": "R2"}
{"row_time": "2020-04-15 12:04:00", "num": 3, "id": "R3"}
{"row_time": "2020-04-15 12:05:00", "num": 4, "id": "R4"}
watermark 2020-04-15 12:05:30
---- input LeftTable
watermark 2020-04-15 12:05:30
{"row_time": "2020-04-15 12:03:00", "num": 9, "id": "late"}
---- output unordered
+I[1, L1, NULL, NULL, 2020-04-15 12:00:00, 2020-04-15 12:05:00]
+I[NULL, NULL, 2, R2, 2020-04-15 12:00:00, 2020-04-15 12:05:00]
+I[3, L3, 3, R3, 2020-04-15 12:00:00, 2020-04-15 12:05:00]
+I[2, L2, NULL, NULL, 2020-04-15 12:05:00, 2020-04-15 12:10:00]
+I[NULL, NULL, 4, R4, 2020-04-15 12:05:00, 2020-04-15 12:10:00]
