# An async call in a join condition is rejected.
table a (k STRING, s STRING)
table b (k STRING, s STRING)
---- query
SELECT a.k, b.s
FROM a JOIN b ON a.k = b.k AND a.s = DartGet('names', b.s, 1)
---- fail
SQL error at line 2, column 38: function DartGet is asynchronous (evalAsync) and cannot be used in a join condition; async functions run in SELECT, WHERE, HAVING, GROUP BY keys and aggregate arguments (compute the value in a sub-query or view first)
