# Dagger's OutlierMad over values collected per TUMBLE window (a view), then expanded with LATERAL TABLE.
table metrics (host STRING, v DOUBLE, rowtime TIMESTAMP ROWTIME)
---- query
CREATE TEMPORARY VIEW w AS
SELECT host, COLLECT(v) AS vs, COLLECT(rowtime) AS ts, TUMBLE_START(rowtime, INTERVAL '5' MINUTE) AS ws
FROM metrics GROUP BY TUMBLE(rowtime, INTERVAL '5' MINUTE), host;
SELECT host, T.`timestamp`, T.`value`, upperBound, lowerBound, isOutlier
FROM w, LATERAL TABLE(OutlierMad(vs, ts, ws, 5, 2, 2, 50)) AS T(`timestamp`, `value`, upperBound, lowerBound, isOutlier)
---- input metrics
{"host": "h1", "v": 1, "rowtime": "2026-01-01 09:00:00"}
{"host": "h1", "v": 2, "rowtime": "2026-01-01 09:01:00"}
{"host": "h1", "v": 3, "rowtime": "2026-01-01 09:02:00"}
{"host": "h1", "v": 4, "rowtime": "2026-01-01 09:03:00"}
{"host": "h1", "v": 100, "rowtime": "2026-01-01 09:04:00"}
---- output
+I[h1, 2026-01-01 09:03:00, 4.0, 5.0, 1.0, true]
+I[h1, 2026-01-01 09:04:00, 100.0, 5.0, 1.0, true]
