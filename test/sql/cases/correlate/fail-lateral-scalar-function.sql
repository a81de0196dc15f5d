table requests (service STRING, latency DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT service FROM requests, LATERAL TABLE(UPPER(service)) AS T(s)
---- fail
SQL error at line 1, column 45: UPPER is a scalar function; LATERAL TABLE needs a table function
