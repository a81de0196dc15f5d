# A temporal join against a table without a primary key (not a versioned table) is refused at the table's name.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
table person (id BIGINT, name STRING, dateTime TIMESTAMP ROWTIME)
---- query
SELECT B.auction, P.name FROM bid B
JOIN person FOR SYSTEM_TIME AS OF B.dateTime AS P ON B.bidder = P.id
---- fail
SQL error at line 2, column 6: a temporal join needs a versioned table: person has no PRIMARY KEY (an upsert or changelog table with a primary key)
