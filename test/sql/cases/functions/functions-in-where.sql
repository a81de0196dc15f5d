# Functions in WHERE and nested calls.
table t (name STRING, city STRING)
---- query
SELECT UPPER(SUBSTRING(name, 1, 1)) || LOWER(SUBSTRING(name, 2)) AS n FROM t WHERE CHAR_LENGTH(TRIM(city)) > 0 AND LOWER(city) LIKE 'jak%'
---- input t
{"name": "aDI", "city": " Jakarta "}
{"name": "bUDI", "city": "jakarta"}
{"name": "cICI", "city": "   "}
{"name": "dODI", "city": "Bandung"}
---- output
+I[Budi]
