# Nexmark q13's temporal (lookup) join: named as missing at FOR SYSTEM_TIME, not a generic parse error.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
table person (id BIGINT, name STRING, dateTime TIMESTAMP ROWTIME)
---- query
SELECT B.auction, P.name FROM bid B
JOIN person FOR SYSTEM_TIME AS OF B.dateTime AS P ON B.bidder = P.id
---- fail
SQL error at line 2, column 13: temporal joins (FOR SYSTEM_TIME AS OF) are not supported yet, neither against a versioned table nor as lookup joins
