# Within a type family INSERT INTO by position is accepted (Flink casts INT to BIGINT, DECIMAL to DOUBLE
# implicitly); only a column of another family (a STRING into a TIMESTAMP) is refused.
table bid (auction INT, price DECIMAL(10, 2), dateTime TIMESTAMP ROWTIME)
---- query
CREATE TABLE out (auction BIGINT, price DOUBLE) WITH ('connector' = 'print');
INSERT INTO out
SELECT auction, price FROM bid
---- input bid
{"auction": 7, "price": 1.5, "dateTime": "2026-01-01 09:00:00"}
---- output
+I[7, 1.5]
