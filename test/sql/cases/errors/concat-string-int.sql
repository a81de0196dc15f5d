# 'a' || 1: Flink rejects || of STRING and INT (no implicit coercion); the error asks for a CAST.
table t (s STRING, a INT)
---- query
SELECT s,
  'a' || a FROM t
---- fail
SQL error at line 2, column 7: operator || needs STRING operands, found STRING || INT; use CAST(a AS STRING)
