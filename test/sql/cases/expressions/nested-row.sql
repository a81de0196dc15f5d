# Nested ROW fields: a.b.c, qualified t.a.b.c, a whole nested row; a NULL parent gives NULL fields.
table t (id INT, r ROW<a INT, b ROW<c STRING, d DOUBLE>>)
---- query
SELECT id, r.a, r.b.c, t.r.b.d, r.b FROM t
---- input t
{"id": 1, "r": {"a": 10, "b": {"c": "x", "d": 1.5}}}
{"id": 2, "r": {"a": 20, "b": null}}
{"id": 3, "r": null}
---- output
+I[1, 10, x, 1.5, (x, 1.5)]
+I[2, 20, NULL, NULL, NULL]
+I[3, NULL, NULL, NULL, NULL]
