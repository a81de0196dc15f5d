# A row at or below the watermark the operator has passed is late: dropped (and counted), as Flink's CEP
# operator drops it; the pattern goes on with the rows in time.
table t (k STRING, name STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  PARTITION BY k
  ORDER BY rowtime
  MEASURES FIRST(A.rowtime) AS a_time, B.rowtime AS b_time
  PATTERN (A B)
  DEFINE A AS name = 'a', B AS name = 'b'
)
---- input t
{"k": "x", "name": "a", "rowtime": "2026-01-01 09:00:05"}
watermark 2026-01-01 09:00:05
{"k": "x", "name": "b", "rowtime": "2026-01-01 09:00:05"}
{"k": "x", "name": "a", "rowtime": "2026-01-01 09:00:06"}
{"k": "x", "name": "b", "rowtime": "2026-01-01 09:00:07"}
---- output
+I[x, 2026-01-01 09:00:06, 2026-01-01 09:00:07]
