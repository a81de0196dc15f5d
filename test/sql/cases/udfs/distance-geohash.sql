# Dagger's Distance (haversine km) and GeoHash, with DOUBLE columns and DECIMAL literals; NULL in, NULL out.
table t (lat1 DOUBLE, lon1 DOUBLE, lat2 DOUBLE, lon2 DOUBLE)
---- query
SELECT ROUND(Distance(lat1, lon1, lat2, lon2), 3) AS km, GeoHash(lat1, lon1, 6) AS gh, ROUND(Distance(12.9716, 77.5946, 6.1751, 106.865), 3) AS fixed FROM t
---- input t
{"lat1": 48.8566, "lon1": 2.3522, "lat2": 51.5074, "lon2": 0.1278}
{"lat1": -6.170024, "lon1": 106.8243203, "lat2": -6.170024, "lon2": 106.8243203}
{"lat1": null, "lon1": 106.8243203, "lat2": 0, "lon2": 0}
---- output
+I[334.576, u09tvw, 3294.208]
+I[0.0, qqguyu, 3294.208]
+I[NULL, NULL, 3294.208]
