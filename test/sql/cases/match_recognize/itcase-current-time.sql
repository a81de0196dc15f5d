# Flink MatchRecognizeITCase.testAccessingCurrentTime: a processing-time attribute read in DEFINE against
# CURRENT_TIMESTAMP, and navigation over an expression of it in MEASURES. Expected (ITCase): 1. The golden
# runner's processing-time clock starts at 1970 while CURRENT_TIMESTAMP reads the wall clock, so the condition
# is turned around (proctime <= CURRENT_TIMESTAMP + 1 day) to hold here as the ITCase's holds in Flink.
table MyTable (id INT, name STRING)
---- query
SELECT T.aid
FROM (SELECT *, PROCTIME() AS proctime FROM MyTable)
MATCH_RECOGNIZE (
  ORDER BY proctime
  MEASURES
    A.id AS aid,
    A.proctime AS aProctime,
    LAST(A.proctime + INTERVAL '1' second) as calculatedField
  PATTERN (A)
  DEFINE
    A AS proctime <= (CURRENT_TIMESTAMP + INTERVAL '1' day)
) AS T
---- input MyTable
{"id": 1, "name": "a"}
---- output
+I[1]
