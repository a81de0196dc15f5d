# Flink MatchRecognizeITCase.testCodeSplitsAreProperlyGenerated: PARTITION BY two keys, LAST(A.name, 2) beyond
# the rows mapped is NULL. Expected (ITCase): key1,second_key3,1,key1,2,3,second_key3 and
# key2,second_key4,6,key2,7,8,second_key4.
table MyTable (id INT, name STRING, key1 STRING, key2 STRING)
---- query
SELECT *
FROM (SELECT *, PROCTIME() AS proctime FROM MyTable)
MATCH_RECOGNIZE (
  PARTITION BY key1, key2
  ORDER BY proctime
  MEASURES
    A.id AS aid,
    A.key1 AS akey1,
    LAST(B.id) AS bid,
    C.id AS cid,
    C.key2 AS ckey2
  PATTERN (A B C)
  DEFINE
    A AS name = 'a' AND key1 LIKE '%key%' AND id > 0,
    B AS name = 'b' AND LAST(A.name, 2) IS NULL,
    C AS name = 'c' AND LAST(A.name) = 'a'
) AS T
---- input MyTable
{"id": 1, "name": "a", "key1": "key1", "key2": "second_key3"}
{"id": 2, "name": "b", "key1": "key1", "key2": "second_key3"}
{"id": 3, "name": "c", "key1": "key1", "key2": "second_key3"}
{"id": 4, "name": "d", "key1": "key", "key2": "second_key"}
{"id": 5, "name": "e", "key1": "key", "key2": "second_key"}
{"id": 6, "name": "a", "key1": "key2", "key2": "second_key4"}
{"id": 7, "name": "b", "key1": "key2", "key2": "second_key4"}
{"id": 8, "name": "c", "key1": "key2", "key2": "second_key4"}
{"id": 9, "name": "f", "key1": "key", "key2": "second_key"}
---- output
+I[key1, second_key3, 1, key1, 2, 3, second_key3]
+I[key2, second_key4, 6, key2, 7, 8, second_key4]
