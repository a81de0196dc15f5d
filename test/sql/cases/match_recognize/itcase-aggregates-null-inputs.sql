# Flink MatchRecognizeITCase.testAggregatesWithNullInputs: COUNT(*) and COUNT(price) count over every row of the
# match, NULL prices are skipped. Expected (ITCase): 29,7,5,8,6,8.
table MyTable (id INT, name STRING, price INT)
---- query
SELECT *
FROM (SELECT *, PROCTIME() AS proctime FROM MyTable)
MATCH_RECOGNIZE (
  ORDER BY proctime
  MEASURES
    SUM(A.price) as sumA,
    COUNT(A.id) as countAId,
    COUNT(A.price) as countAPrice,
    COUNT(*) as countAll,
    COUNT(price) as countAllPrice,
    LAST(id) as endId
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A+ C)
  DEFINE
    A AS SUM(A.price) < 30,
    C AS C.name = 'c'
) AS T
---- input MyTable
{"id": 1, "name": "a", "price": 10}
{"id": 2, "name": "z", "price": 10}
{"id": 3, "name": "b"}
{"id": 4, "name": "c"}
{"id": 5, "name": "d", "price": 3}
{"id": 6, "name": "c", "price": 3}
{"id": 7, "name": "c", "price": 3}
{"id": 8, "name": "c", "price": 3}
{"id": 9, "name": "c", "price": 2}
---- output
+I[29, 7, 5, 8, 6, 8]
