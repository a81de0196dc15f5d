# CURRENT_WATERMARK() is named as missing.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
table person (id BIGINT, name STRING, dateTime TIMESTAMP ROWTIME)
---- query
SELECT bidder FROM bid WHERE dateTime > CURRENT_WATERMARK(dateTime)
---- fail
SQL error at line 1, column 41: CURRENT_WATERMARK() is not supported yet
