# Flink MatchRecognizeITCase.testSimplePattern: no PARTITION BY, ORDER BY a processing-time attribute, quoted
# variable names. Expected (ITCase): 6,7,8.
table MyTable (id INT, name STRING)
---- query
SELECT T.aid, T.bid, T.cid
FROM (SELECT *, PROCTIME() AS proctime FROM MyTable)
MATCH_RECOGNIZE (
  ORDER BY proctime
  MEASURES
    `A"`.id AS aid,
    l.id AS bid,
    C.id AS cid
  PATTERN (`A"` l C)
  DEFINE
    `A"` AS name = 'a',
    l AS name = 'b',
    C AS name = 'c'
) AS T
---- input MyTable
{"id": 1, "name": "a"}
{"id": 2, "name": "z"}
{"id": 3, "name": "b"}
{"id": 4, "name": "c"}
{"id": 5, "name": "d"}
{"id": 6, "name": "a"}
{"id": 7, "name": "b"}
{"id": 8, "name": "c"}
{"id": 9, "name": "h"}
---- output
+I[6, 7, 8]
