# ... nor in an aggregate's FILTER clause.
table booking (service_type STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*) FILTER (WHERE DartGet('surge', service_type, 1) = '1') AS n
FROM booking
GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- fail
SQL error at line 1, column 31: function DartGet is asynchronous (evalAsync) and cannot be used in an aggregate function argument; async functions run in SELECT and WHERE only (compute the value in a sub-query or view first)
