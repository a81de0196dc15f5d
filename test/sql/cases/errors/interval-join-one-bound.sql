# An interval join needs both bounds.
table a (id STRING, rowtime TIMESTAMP ROWTIME)
table b (id STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT a.id FROM a JOIN b ON a.id = b.id AND b.rowtime >= a.rowtime
---- fail
SQL error at line 1, column 42: an interval join needs both a lower and an upper time bound (e.g. b.rowtime BETWEEN a.rowtime AND a.rowtime + INTERVAL '5' MINUTE)
