table a (k STRING, x INT, rowtime TIMESTAMP ROWTIME)
table b (k STRING, y INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM a FULL JOIN b ON a.x < b.y
---- fail
SQL error at line 1, column 36: a join needs at least one equality between the two inputs in ON
