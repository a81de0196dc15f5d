# Flink's LAG test (OverAggregateITCase.testLagFunction): LAG(b), LAG(b, 2) and LAG(b, 2, default) over the
# default frame (RANGE UNBOUNDED PRECEDING). Rows are taken in event-time order once the watermark passes
# them (b=3 arrives after b=2 but happened before it); the two rows at the same instant are peers and read
# the same value.
table T1 (a INT, b BIGINT, c STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT a, b, c,
  LAG(b) OVER(PARTITION BY a ORDER BY rowtime),
  LAG(b, 2) OVER(PARTITION BY a ORDER BY rowtime),
  LAG(b, 2, CAST(10086 AS BIGINT)) OVER(PARTITION BY a ORDER BY rowtime)
FROM T1
---- input T1
{"a": 1, "b": 1, "c": "Hi", "rowtime": 14000001}
{"a": 1, "b": 2, "c": "Hi", "rowtime": 14000005}
{"a": 1, "b": 3, "c": "Hello", "rowtime": 14000002}
{"a": 1, "b": 4, "c": "Hello", "rowtime": 14000003}
{"a": 1, "b": 5, "c": "Hello", "rowtime": 14000003}
watermark 14000020
{"a": 1, "b": 6, "c": "Hello world", "rowtime": 14000021}
{"a": 1, "b": 7, "c": "Hello world", "rowtime": 14000022}
watermark 14000030
---- output
+I[1, 1, Hi, NULL, NULL, 10086]
+I[1, 3, Hello, 1, NULL, 10086]
+I[1, 4, Hello, 4, 3, 3]
+I[1, 5, Hello, 4, 3, 3]
+I[1, 2, Hi, 5, 4, 4]
+I[1, 6, Hello world, 2, 5, 5]
+I[1, 7, Hello world, 6, 2, 2]
