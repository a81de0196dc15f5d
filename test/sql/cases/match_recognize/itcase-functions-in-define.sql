# Flink MatchRecognizeITCase.testUserDefinedFunctions, with built-ins in place of its two user functions
# (prefix(s) = CONCAT('PREF:', s); countFrom(x) = 4 + SUM(x)): scalar functions and aggregates of a variable in
# DEFINE and MEASURES. Expected (ITCase): 1,PREF:a,8,5 and 7,PREF:a,6,9.
table MyTable (id INT, name STRING, price BIGINT)
---- query
SELECT *
FROM (SELECT *, PROCTIME() AS proctime FROM MyTable)
MATCH_RECOGNIZE (
  ORDER BY proctime
  MEASURES
    FIRST(id) as firstId,
    CONCAT('PREF:', A.name) as prefixedNameA,
    4 + SUM(A.price) as countFromA,
    LAST(id) as lastId
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A+ C)
  DEFINE
    A AS CONCAT('PREF:', A.name) = 'PREF:a' AND 4 + SUM(A.price) <= 8
) AS T
---- input MyTable
{"id": 1, "name": "a", "price": 1}
{"id": 2, "name": "a", "price": 1}
{"id": 3, "name": "a", "price": 1}
{"id": 4, "name": "a", "price": 1}
{"id": 5, "name": "a", "price": 1}
{"id": 6, "name": "b", "price": 1}
{"id": 7, "name": "a", "price": 1}
{"id": 8, "name": "a", "price": 1}
{"id": 9, "name": "f", "price": 1}
---- output
+I[1, PREF:a, 8, 5]
+I[7, PREF:a, 6, 9]
