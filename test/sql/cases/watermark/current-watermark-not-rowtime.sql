# CURRENT_WATERMARK takes the event-time attribute, not any timestamp.
table bid (auction BIGINT, placed TIMESTAMP, dateTime TIMESTAMP ROWTIME)
---- query
SELECT auction FROM bid WHERE placed > CURRENT_WATERMARK(placed)
---- fail
SQL error at line 1, column 40: CURRENT_WATERMARK takes one argument, an event-time attribute (e.g. CURRENT_WATERMARK(rowtime))
