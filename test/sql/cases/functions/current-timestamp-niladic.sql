# CURRENT_TIMESTAMP / CURRENT_DATE are written without parentheses in SQL (the call form works too).
# Their values change with the clock, so the case checks only that they are set and ordered.
table booking (order_number STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT order_number,
  CURRENT_TIMESTAMP IS NOT NULL AS has_now,
  CURRENT_DATE <= CURRENT_TIMESTAMP AS date_not_after_now,
  CURRENT_TIMESTAMP() >= rowtime AS now_after_event
FROM booking
---- input booking
{"order_number": "o1", "rowtime": "2026-01-01 09:00:00"}
---- output
+I[o1, true, true, true]
