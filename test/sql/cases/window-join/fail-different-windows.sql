# A window join needs the same windows on both sides (Flink: "the windowing TVFs must be the same").
table a (id STRING, rowtime TIMESTAMP ROWTIME)
table b (id STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT L.id FROM (SELECT * FROM TABLE(TUMBLE(TABLE a, DESCRIPTOR(rowtime), INTERVAL '1' MINUTE))) L
JOIN (SELECT * FROM TABLE(TUMBLE(TABLE b, DESCRIPTOR(rowtime), INTERVAL '2' MINUTE))) R
ON L.id = R.id AND L.window_start = R.window_start AND L.window_end = R.window_end
---- fail
SQL error at line 2, column 1: a window join needs the same window on both inputs; found TUMBLE(size 60000 ms) and TUMBLE(size 120000 ms)
