# An async call inside an aggregate's argument cannot run: the aggregate needs its value synchronously.
table booking (service_type STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT service_type,
  SUM(amount * CAST(DartGet('surge', service_type, 1) AS DOUBLE)) AS s
FROM booking
GROUP BY service_type, TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- fail
SQL error at line 2, column 21: function DartGet is asynchronous (evalAsync) and cannot be used in an aggregate function argument; async functions run in SELECT and WHERE only (compute the value in a sub-query or view first)
