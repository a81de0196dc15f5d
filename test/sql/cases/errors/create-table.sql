# DDL: tables come from STREAMS; CREATE TABLE is named as missing.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
table person (id BIGINT, name STRING, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TABLE nexmark_q5 (auction BIGINT, num BIGINT) WITH ('connector' = 'blackhole')
---- fail
SQL error at line 1, column 8: CREATE TABLE is not supported yet: a job's tables come from STREAMS (and its sink from SINK_*); only CREATE VIEW is
