# A regular join without an equality key.
table a (id STRING, v INT)
table b (id STRING, v INT)
---- query
SELECT a.id FROM a JOIN b ON a.v < b.v
---- fail
SQL error at line 1, column 34: a join needs at least one equality between the two inputs in ON
