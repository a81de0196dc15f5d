# A regular join's result has no time attribute, so it cannot feed a window.
table a (k STRING, rowtime TIMESTAMP ROWTIME)
table b (k STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT COUNT(*) FROM (SELECT a.k, a.rowtime FROM a LEFT JOIN b ON a.k = b.k) GROUP BY TUMBLE(rowtime, INTERVAL '1' MINUTE)
---- fail
SQL error at line 1, column 94: TUMBLE's first argument must be a time attribute (an event-time column such as rowtime, or PROCTIME()), found TIMESTAMP(3)
