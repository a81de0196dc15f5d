# Array of rows: items[1].name, a field of a subscripted element; a missing element gives NULL fields.
table t (items ARRAY<ROW<name STRING, qty INT>>)
---- query
SELECT items[1].name, items[2].qty * 2, items[3].name, CARDINALITY(items) FROM t
---- input t
{"items": [{"name": "tea", "qty": 1}, {"name": "rice", "qty": 3}]}
{"items": [{"name": "egg", "qty": null}]}
---- output
+I[tea, 6, NULL, 2]
+I[egg, NULL, NULL, 1]
