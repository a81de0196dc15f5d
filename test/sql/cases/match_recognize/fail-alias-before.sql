# MATCH_RECOGNIZE follows the table directly (Calcite's grammar); an alias goes after its closing parenthesis.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t AS x
  MATCH_RECOGNIZE (
    PARTITION BY k
    ORDER BY rowtime
    MEASURES A.v AS av
    PATTERN (A B)
    DEFINE B AS B.v > A.v
  ) AS m
---- fail
SQL error at line 3, column 3: MATCH_RECOGNIZE follows a table name or a sub-query directly; write its alias after its closing parenthesis
