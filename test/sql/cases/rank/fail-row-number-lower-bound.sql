# Flink needs a rank end ("Rank end is not specified"): a lower bound alone is no Top-N.
table orders (order_id STRING, status STRING, rowtime TIMESTAMP ROWTIME)
---- query
SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY rowtime) AS rn FROM orders) WHERE rn > 1
---- fail
SQL error at line 1, column 113: a Top-N needs an upper bound on 'rn' (rn <= N or rn BETWEEN M AND N); a lower bound alone keeps unboundedly many rows
