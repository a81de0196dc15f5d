# CURRENT_WATERMARK(rowtime) as Flink: the watermark the operator has seen, NULL before the first one. The usual
# use: keep only rows that are not late (or all rows while there is no watermark yet). TIMESTAMP(3) output.
table bid (auction BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
SELECT auction, CURRENT_WATERMARK(dateTime) AS wm
FROM bid
WHERE CURRENT_WATERMARK(dateTime) IS NULL OR dateTime > CURRENT_WATERMARK(dateTime)
---- input bid
{"auction": 1, "price": 10, "dateTime": "2026-01-01 09:00:00"}
{"auction": 2, "price": 10, "dateTime": "2026-01-01 08:00:00"}
watermark 2026-01-01 09:00:05
{"auction": 3, "price": 10, "dateTime": "2026-01-01 09:00:05"}
{"auction": 4, "price": 10, "dateTime": "2026-01-01 09:00:06"}
watermark 2026-01-01 09:00:10.5
{"auction": 5, "price": 10, "dateTime": "2026-01-01 09:00:11"}
---- output
+I[1, NULL]
+I[2, NULL]
+I[4, 2026-01-01 09:00:05]
+I[5, 2026-01-01 09:00:10.500]
