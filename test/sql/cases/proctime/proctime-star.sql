# SELECT * over a table with a computed PROCTIME() column gives the DDL's columns in order; an expression of a
# processing-time attribute is a plain timestamp (here one second later).
table bid (auction BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TABLE bid (auction BIGINT, price BIGINT, dateTime TIMESTAMP(3), pt AS PROCTIME()) WITH ('connector' = 'kafka', 'topic' = 'bid', 'properties.bootstrap.servers' = 'localhost:9092');
CREATE TEMPORARY VIEW v AS SELECT *, pt + INTERVAL '1' SECOND AS later FROM bid;
SELECT * FROM v
---- input bid
proctime 2026-03-01 12:00:00
{"auction": 1, "price": 10, "dateTime": "2026-01-01 09:00:00"}
---- output
+I[1, 10, 2026-01-01 09:00:00, 2026-03-01 12:00:00, 2026-03-01 12:00:01]
