# Aggregates with FILTER (WHERE ...): each aggregate sees only its matching rows.
table t (status STRING, amount INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE status = 'DONE') AS done,
  SUM(amount) FILTER (WHERE status = 'DONE') AS done_amount, SUM(amount) FILTER (WHERE status = 'NONE') AS none_amount,
  COUNT(DISTINCT amount) FILTER (WHERE amount > 1) AS big
FROM t GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- input t
{"status": "DONE", "amount": 1, "rowtime": "2026-01-01 09:00:01"}
{"status": "DONE", "amount": 5, "rowtime": "2026-01-01 09:00:02"}
{"status": "CANCELLED", "amount": 5, "rowtime": "2026-01-01 09:00:03"}
{"status": null, "amount": 7, "rowtime": "2026-01-01 09:00:04"}
---- output
+I[4, 2, 6, NULL, 2]
