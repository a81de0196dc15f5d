# CURRENT_WATERMARK is evaluated by filters and projections; in an aggregate's argument it is refused.
table bid (auction BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
SELECT auction, MAX(CURRENT_WATERMARK(dateTime)) FROM bid GROUP BY auction
---- fail
CURRENT_WATERMARK() is only supported in WHERE and in SELECT expressions of a plain projection (not in join conditions, aggregates, OVER or with async functions)
