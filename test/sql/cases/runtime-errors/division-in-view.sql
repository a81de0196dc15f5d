# A division by zero inside a view names the position in the view's text.
table t (a INT, b INT)
---- query
CREATE TEMPORARY VIEW v AS
SELECT a, a / b AS q FROM t;
SELECT q + 1 FROM v
---- input t
{"a": 4, "b": 2}
{"a": 4, "b": 0}
---- error
at line 2, column 13: division by zero
