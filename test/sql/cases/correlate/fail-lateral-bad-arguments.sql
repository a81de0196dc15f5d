table requests (service STRING, latency DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT service FROM requests, LATERAL TABLE(HistogramBucket(latency)) AS T(b)
---- fail
SQL error at line 1, column 45: function HISTOGRAMBUCKET expects (DOUBLE, STRING), got (DOUBLE)
