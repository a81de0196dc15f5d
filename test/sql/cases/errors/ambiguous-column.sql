# A column name present in both join inputs must be qualified.
table a (id STRING, rowtime TIMESTAMP ROWTIME)
table b (id STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id FROM a JOIN b ON a.id = b.id AND b.rowtime BETWEEN a.rowtime AND a.rowtime + INTERVAL '1' MINUTE
---- fail
SQL error at line 1, column 8: column 'id' is ambiguous; qualify it (a.id, b.id)
