# MapGet over a MAP column, TimestampFromUnix (epoch seconds) and StartOfMonth in a time zone.
table t (m MAP<STRING, STRING>, secs BIGINT)
---- query
SELECT MapGet(m, 'city'), TimestampFromUnix(secs), StartOfMonth(secs, 'Asia/Jakarta') FROM t
---- input t
{"m": {"city": "Jakarta"}, "secs": 1562224758}
{"m": {}, "secs": 1565000000}
---- output
+I[Jakarta, 2019-07-04 07:19:18, 1561914000]
+I[NULL, 2019-08-05 10:13:20, 1564592400]
