# Syntax users write: lower-case keywords, comments, double-quoted and backquoted names, VARCHAR / INTEGER
# type aliases, '' inside strings, !=, NOT x IN, NOT BETWEEN, 1e3 literals, catalog-qualified table names.
table t (k STRING, v INT)
---- query
select /* block
  comment */ k as "Key", cast(v as varchar) as `v text`, cast('12' as integer) + 1e3 as n, 'it''s' as s -- trailing
from default_catalog.default_database.t
where k != 'x' and not k in ('y') and v not between 5 and 9
---- input t
{"k": "a", "v": 1}
{"k": "x", "v": 1}
{"k": "y", "v": 1}
{"k": "b", "v": 7}
---- output
+I[a, 1, 1012.0, it's]
