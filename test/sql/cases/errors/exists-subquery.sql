# Unsupported on streams, with a hint: a planning error at the keyword.
table booking (order_number STRING, service_type STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT order_number
FROM booking b
WHERE EXISTS (SELECT 1 FROM booking c WHERE c.order_number = b.order_number)
---- fail
SQL error at line 3, column 7: EXISTS (sub-query) is not supported on streams; express it with a join (a semi join is an INNER JOIN on the key of a DISTINCT sub-query)
