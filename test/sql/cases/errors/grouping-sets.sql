# Unsupported on streams, with a hint: a planning error at the keyword.
table booking (order_number STRING, service_type STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT service_type, COUNT(*) AS n
FROM booking
GROUP BY GROUPING SETS ((service_type), ())
---- fail
SQL error at line 3, column 10: GROUPING SETS is not supported; write one query per grouping and combine them with UNION ALL
