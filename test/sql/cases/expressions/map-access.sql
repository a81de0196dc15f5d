# MAP subscript m['k']: a missing key gives NULL; CARDINALITY counts entries.
table t (m MAP<STRING, INT>)
---- query
SELECT m['a'], m['zz'], CARDINALITY(m), m['a'] + 1 FROM t
---- input t
{"m": {"a": 1, "b": 2}}
{"m": {}}
{"m": null}
---- output
+I[1, NULL, 2, 2]
+I[NULL, NULL, 0, NULL]
+I[NULL, NULL, NULL, NULL]
