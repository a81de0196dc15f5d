# An async function (DartGet, evalAsync) as a GROUP BY key is rejected while planning, naming the call.
table booking (service_type STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*) FROM booking
GROUP BY DartGet('surge', service_type, 1), TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- fail
SQL error at line 2, column 10: function DartGet is asynchronous (evalAsync) and cannot be used in GROUP BY; async functions run in SELECT and WHERE only (compute the value in a sub-query or view first)
