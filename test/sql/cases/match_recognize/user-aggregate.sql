# User aggregates (Dagger's CollectArray and DistinctCount, written against the public UDF API) over a pattern
# variable, in MEASURES and in DEFINE, as Flink allows user-defined aggregates there.
table t (k STRING, name STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT *
FROM t
MATCH_RECOGNIZE (
  PARTITION BY k
  ORDER BY rowtime
  MEASURES CollectArray(A.name) AS names, DistinctCount(A.name) AS distinct_names, B.name AS closing
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A+? B)
  DEFINE B AS DistinctCount(A.name) >= 2 AND B.name = 'end'
)
---- input t
{"k": "x", "name": "p", "rowtime": "2026-01-01 09:00:01"}
{"k": "x", "name": "p", "rowtime": "2026-01-01 09:00:02"}
{"k": "x", "name": "end", "rowtime": "2026-01-01 09:00:03"}
{"k": "x", "name": "q", "rowtime": "2026-01-01 09:00:04"}
{"k": "x", "name": "end", "rowtime": "2026-01-01 09:00:05"}
---- output
+I[x, [p, p, end, q], 3, end]
