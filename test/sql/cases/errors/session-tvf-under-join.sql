# A SESSION window table function joined without aggregating would never emit: rejected where it is written.
table t (k STRING, v INT, rowtime TIMESTAMP ROWTIME)
table u (k STRING, w INT, rowtime TIMESTAMP ROWTIME)
---- query
SELECT u.k, s.window_start, u.w
FROM u
JOIN TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(rowtime), INTERVAL '5' MINUTE)) AS s ON s.k = u.k
---- fail
SQL error at line 3, column 6: a SESSION window table function cannot be joined directly: its sessions close only for an aggregation, so the join would emit nothing; aggregate it in a sub-query (GROUP BY window_start, window_end and its PARTITION BY keys) and join that
