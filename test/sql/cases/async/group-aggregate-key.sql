# A non-windowed GROUP BY with an async key inside an expression is rejected too.
table booking (service_type STRING, amount DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT UPPER(DartGet('surge', service_type, 1)) AS m, COUNT(*) FROM booking GROUP BY UPPER(DartGet('surge', service_type, 1))
---- fail
SQL error at line 1, column 92: function DartGet is asynchronous (evalAsync) and cannot be used in GROUP BY; async functions run in SELECT and WHERE only (compute the value in a sub-query or view first)
