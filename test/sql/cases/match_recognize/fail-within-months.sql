# WITHIN takes a day-time interval (PatternTranslatorTest.testWithinClauseWithYearMonthResolution).
table t (k STRING, f0 INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  ORDER BY rowtime
  MEASURES A.f0 AS aid
  PATTERN (A B) WITHIN INTERVAL '2' MONTH
  DEFINE A AS A.f0 = 1
)
---- fail
SQL error at line 6, column 17: WITHIN takes a day-time interval of millisecond resolution; a YEAR/MONTH interval is not supported (as in Flink)
