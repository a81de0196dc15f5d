# CREATE TEMPORARY VIEW, then a query over it (several statements separated by ;).
table booking (order_number STRING, service_type STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
CREATE TEMPORARY VIEW rides AS
  SELECT order_number, amount, rowtime FROM booking WHERE service_type = 'GO_RIDE';
SELECT COUNT(*) AS n, SUM(amount) AS total, TUMBLE_END(rowtime, INTERVAL '1' MINUTE) AS we
FROM rides GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE);
---- input booking
{"order_number": "o1", "service_type": "GO_RIDE", "amount": 1.5, "rowtime": "2026-01-01 09:00:01"}
{"order_number": "o2", "service_type": "GO_FOOD", "amount": 9, "rowtime": "2026-01-01 09:00:02"}
{"order_number": "o3", "service_type": "GO_RIDE", "amount": 2, "rowtime": "2026-01-01 09:00:03"}
---- output
+I[2, 3.5, 2026-01-01 09:01:00]
