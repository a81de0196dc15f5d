# MATCH_RECOGNIZE (row pattern recognition) is not supported yet: a clear error at the keyword, not a parse error further on.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
  MATCH_RECOGNIZE (
    PARTITION BY k
    ORDER BY rowtime
    MEASURES A.v AS av
    PATTERN (A B)
    DEFINE B AS B.v > A.v
  ) AS m
---- fail
SQL error at line 3, column 3: MATCH_RECOGNIZE is not supported yet (row pattern recognition); express the pattern with joins, OVER windows or a UDF
