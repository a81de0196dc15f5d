# Flink MatchRecognizeITCase.testSimplePatternWithNulls. Expected (ITCase): 1,null,3,null and 6,null,8,null.
table MyTable (id INT, name STRING, nullField STRING)
---- query
SELECT T.aid, T.bNull, T.cid, T.aNull
FROM (SELECT *, PROCTIME() AS proctime FROM MyTable)
MATCH_RECOGNIZE (
  ORDER BY proctime
  MEASURES
    A.id AS aid,
    A.nullField AS aNull,
    LAST(B.nullField) AS bNull,
    C.id AS cid
  PATTERN (A B C)
  DEFINE
    A AS name = 'a' AND nullField IS NULL,
    B AS name = 'b' AND LAST(A.nullField) IS NULL,
    C AS name = 'c'
) AS T
---- input MyTable
{"id": 1, "name": "a"}
{"id": 2, "name": "b"}
{"id": 3, "name": "c"}
{"id": 4, "name": "d"}
{"id": 5}
{"id": 6, "name": "a"}
{"id": 7, "name": "b"}
{"id": 8, "name": "c"}
{"id": 9}
---- output
+I[1, NULL, 3, NULL]
+I[6, NULL, 8, NULL]
