# || takes character strings only, as in Flink (implicit type coercion is off there): 'a' || 1 is an error
# that asks for a CAST; CAST(x AS STRING) prints a TIMESTAMP with its precision and a DECIMAL with its scale.
table t (ts TIMESTAMP(3), d DECIMAL(5, 2), a INT)
---- query
SELECT 'at ' || CAST(ts AS STRING), 'v' || CAST(d AS STRING), CAST(a AS STRING) || 'x', NULL || 'y' FROM t
---- input t
{"ts": "2026-01-01 09:00:00", "d": 1.5, "a": 3}
{"ts": null, "d": null, "a": null}
---- output
+I[at 2026-01-01 09:00:00.000, v1.50, 3x, NULL]
+I[NULL, NULL, NULL, NULL]
