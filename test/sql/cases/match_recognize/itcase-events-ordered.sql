# Flink MatchRecognizeITCase.testEventsAreProperlyOrdered: rows are sorted by event time, then by the further
# ORDER BY keys (secondaryOrder DESC, ternaryOrder ASC), before matching. Expected (ITCase): 10,11,12.
table MyTable (secondaryOrder INT, ternaryOrder INT, name STRING, id INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT T.aid, T.bid, T.cid
FROM MyTable
MATCH_RECOGNIZE (
  ORDER BY rowtime, secondaryOrder DESC, ternaryOrder ASC
  MEASURES
    A.id AS aid,
    B.id AS bid,
    C.id AS cid
  PATTERN (A B C)
  DEFINE
    A AS name = 'a',
    B AS name = 'b',
    C AS name = 'c'
) AS T
---- input MyTable
{"secondaryOrder": 12, "ternaryOrder": 1, "name": "a", "id": 1, "rowtime": "1970-01-01 00:00:00.002"}
{"secondaryOrder": 11, "ternaryOrder": 2, "name": "b", "id": 2, "rowtime": "1970-01-01 00:00:00.001"}
{"secondaryOrder": 10, "ternaryOrder": 3, "name": "c", "id": 3, "rowtime": "1970-01-01 00:00:00.003"}
watermark 1970-01-01 00:00:00.003
{"secondaryOrder": 8, "ternaryOrder": 4, "name": "a", "id": 4, "rowtime": "1970-01-01 00:00:00.004"}
{"secondaryOrder": 9, "ternaryOrder": 5, "name": "b", "id": 5, "rowtime": "1970-01-01 00:00:00.004"}
{"secondaryOrder": 7, "ternaryOrder": 6, "name": "c", "id": 6, "rowtime": "1970-01-01 00:00:00.005"}
watermark 1970-01-01 00:00:00.005
{"secondaryOrder": 6, "ternaryOrder": 8, "name": "a", "id": 7, "rowtime": "1970-01-01 00:00:00.006"}
{"secondaryOrder": 6, "ternaryOrder": 7, "name": "b", "id": 8, "rowtime": "1970-01-01 00:00:00.006"}
{"secondaryOrder": 4, "ternaryOrder": 9, "name": "c", "id": 9, "rowtime": "1970-01-01 00:00:00.008"}
watermark 1970-01-01 00:00:00.008
{"secondaryOrder": 3, "ternaryOrder": 10, "name": "a", "id": 10, "rowtime": "1970-01-01 00:00:00.009"}
{"secondaryOrder": 2, "ternaryOrder": 11, "name": "b", "id": 11, "rowtime": "1970-01-01 00:00:00.010"}
{"secondaryOrder": 1, "ternaryOrder": 12, "name": "c", "id": 12, "rowtime": "1970-01-01 00:00:00.011"}
watermark 1970-01-01 00:00:00.011
---- output
+I[10, 11, 12]
