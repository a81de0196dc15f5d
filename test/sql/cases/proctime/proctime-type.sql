# The attribute's type is TIMESTAMP_LTZ(3) *PROCTIME*, as Flink names it in errors and plans.
table bid (auction BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
SELECT auction, p + 1 FROM (SELECT *, PROCTIME() AS p FROM bid)
---- fail
SQL error at line 1, column 19: operator + needs numbers, found TIMESTAMP_LTZ(3) *PROCTIME* and INT
