# A Dagger UDF called with the wrong number of arguments.
table t (k STRING, v INT, s STRING, arr ARRAY<INT>, r ROW<a INT, b STRING>, rowtime TIMESTAMP ROWTIME)
---- query
SELECT Distance(1.0, 2.0) FROM t
---- fail
SQL error at line 1, column 8: function DISTANCE expects (DOUBLE, DOUBLE, DOUBLE, DOUBLE), got (DECIMAL(2, 1), DECIMAL(2, 1))
