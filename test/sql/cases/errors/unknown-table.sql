# An unknown table names the tables that exist.
table booking (id STRING, rowtime TIMESTAMP ROWTIME)
table payment (id STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT id FROM bookings
---- fail
SQL error at line 1, column 16: table 'bookings' not found; the job's tables (INPUT_SCHEMA_TABLE in STREAMS) are: booking, payment
