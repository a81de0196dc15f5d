# An async call in OVER's PARTITION BY is rejected.
table booking (service_type STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT SUM(amount) OVER (PARTITION BY DartGet('surge', service_type, 1) ORDER BY rowtime ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
FROM booking
---- fail
SQL error at line 1, column 39: function DartGet is asynchronous (evalAsync) and cannot be used in an OVER window; async functions run in SELECT, WHERE, HAVING, GROUP BY keys and aggregate arguments (compute the value in a sub-query or view first)
