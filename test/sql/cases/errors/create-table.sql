# CREATE TABLE runs in a SQL script (dirk run script.sql); a table that no INSERT writes and no STREAMS entry
# registers is refused at its position.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
CREATE TABLE nexmark_q5 (auction BIGINT, num BIGINT) WITH ('connector' = 'blackhole');
SELECT auction FROM bid
---- fail
SQL error at line 1, column 1: CREATE TABLE nexmark_q5: a table that is neither read nor written by an INSERT; CREATE TABLE runs in a SQL script (dirk run script.sql), where a job config's tables come from STREAMS
