# LEAD needs rows that have not arrived yet: not supported on streams (Flink: "LEAD Function is not supported in stream mode").
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, LEAD(v) OVER (PARTITION BY k ORDER BY rowtime) FROM t
---- fail
SQL error at line 1, column 11: LEAD() OVER is not supported on streams (as in Flink): it would need rows that have not arrived yet
