# TIMESTAMP +/- INTERVAL (day-time and year-month, month arithmetic clamps to the month's last day).
table t (ts TIMESTAMP(3))
---- query
SELECT ts + INTERVAL '1' HOUR, ts - INTERVAL '30' SECOND, ts + INTERVAL '1 02:00:00' DAY TO SECOND, ts + INTERVAL '1' MONTH, INTERVAL '2' DAY + ts FROM t
---- input t
{"ts": "2026-01-31 23:30:00"}
{"ts": null}
---- output
+I[2026-02-01 00:30:00, 2026-01-31 23:29:30, 2026-02-02 01:30:00, 2026-02-28 23:30:00, 2026-02-02 23:30:00]
+I[NULL, NULL, NULL, NULL, NULL]
