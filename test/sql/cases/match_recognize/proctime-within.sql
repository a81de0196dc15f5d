# Processing time: rows are matched as they arrive (their rowtime is ignored), WITHIN is measured on the
# processing-time clock, and MATCH_PROCTIME() is that clock when the match is emitted.
table t (k STRING, name STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT k, a_name, b_name, CAST(pt AS STRING) AS pt
FROM (SELECT *, PROCTIME() AS p FROM t)
MATCH_RECOGNIZE (
  PARTITION BY k
  ORDER BY p
  MEASURES A.name AS a_name, B.name AS b_name, MATCH_PROCTIME() AS pt
  PATTERN (A B) WITHIN INTERVAL '10' SECOND
  DEFINE A AS name LIKE 'a%', B AS name LIKE 'b%'
)
---- input t
proctime 2026-03-01 12:00:00
{"k": "x", "name": "a1", "rowtime": "2026-01-01 00:00:00"}
proctime 2026-03-01 12:00:10
{"k": "x", "name": "b1", "rowtime": "2026-01-01 00:00:00"}
{"k": "x", "name": "a2", "rowtime": "2026-01-01 00:00:00"}
proctime 2026-03-01 12:00:19.999
{"k": "x", "name": "b2", "rowtime": "2026-01-01 00:00:00"}
---- output
+I[x, a2, b2, 2026-03-01 12:00:19.999]
