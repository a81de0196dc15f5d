table requests (service STRING, latency DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
SELECT service FROM requests, LATERAL TABLE(HistogramBuckets(latency, '1')) AS T(b)
---- fail
SQL error at line 1, column 45: unknown function HISTOGRAMBUCKETS (did you mean HistogramBucket?)
