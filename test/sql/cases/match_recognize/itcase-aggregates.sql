# Flink MatchRecognizeITCase.testAggregates (without its weightedAvg user function): COUNT over a variable with
# no rows is 0, SUM is NULL; aggregates over expressions of one variable, in DEFINE and MEASURES.
# Expected (ITCase, those columns): 1,5,0,null,3,3.4,8 and 9,4,0,null,4,3.2,12.
table MyTable (id INT, name STRING, price BIGINT, rate DOUBLE, weight INT)
---- query
SELECT *
FROM (SELECT *, PROCTIME() AS proctime FROM MyTable)
MATCH_RECOGNIZE (
  ORDER BY proctime
  MEASURES
    FIRST(id) as startId,
    SUM(A.price) AS sumA,
    COUNT(D.price) AS countD,
    SUM(D.price) as sumD,
    AVG(B.price) AS avgB,
    SUM(B.price * B.rate) as sumExprB,
    LAST(id) as endId
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A+ B+ C D? E )
  DEFINE
    A AS SUM(A.price) < 6,
    B AS SUM(B.price * B.rate) < SUM(A.price) AND
         SUM(B.price * B.rate) > 0.2 AND
         SUM(B.price) >= 1 AND
         AVG(B.price) >= 1
) AS T
---- input MyTable
{"id": 1, "name": "a", "price": 1, "rate": 0.8, "weight": 1}
{"id": 2, "name": "z", "price": 2, "rate": 0.8, "weight": 3}
{"id": 3, "name": "b", "price": 1, "rate": 0.8, "weight": 2}
{"id": 4, "name": "c", "price": 1, "rate": 0.8, "weight": 5}
{"id": 5, "name": "d", "price": 4, "rate": 0.1, "weight": 5}
{"id": 6, "name": "a", "price": 2, "rate": 1.5, "weight": 2}
{"id": 7, "name": "b", "price": 2, "rate": 0.8, "weight": 3}
{"id": 8, "name": "c", "price": 1, "rate": 0.8, "weight": 2}
{"id": 9, "name": "h", "price": 4, "rate": 0.8, "weight": 3}
{"id": 10, "name": "h", "price": 4, "rate": 0.8, "weight": 3}
{"id": 11, "name": "h", "price": 2, "rate": 0.8, "weight": 3}
{"id": 12, "name": "h", "price": 2, "rate": 0.8, "weight": 3}
---- output
+I[1, 5, 0, NULL, 3, 3.4, 8]
+I[9, 4, 0, NULL, 4, 3.2, 12]
