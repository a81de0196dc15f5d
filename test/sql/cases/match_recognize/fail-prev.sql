# Flink refuses physical offsets (PatternTranslatorTest.testPhysicalOffsetsAreNotSupported).
table t (k STRING, f0 INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY rowtime
  MEASURES
    A.f0 AS aF0
  PATTERN (A)
  DEFINE
    A AS PREV(A.f0) = 1
)
---- fail
SQL error at line 9, column 10: Flink does not support physical offsets within partition. (PREV/NEXT; use LAST(var.col, n) or FIRST(var.col, n), which count rows mapped to the variable)
