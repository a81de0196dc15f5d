# Flink's GROUPING SETS example: counts per (supplier_id, rating), per supplier_id and overall; keys not in
# a grouping set are NULL.
table Products (supplier_id STRING, product_id STRING, rating INT)
---- query
SELECT supplier_id, rating, COUNT(*) AS total
FROM Products
GROUP BY GROUPING SETS ((supplier_id, rating), (supplier_id), ())
---- input Products
{"supplier_id": "supplier1", "product_id": "product1", "rating": 4}
{"supplier_id": "supplier1", "product_id": "product2", "rating": 3}
{"supplier_id": "supplier2", "product_id": "product3", "rating": 3}
{"supplier_id": "supplier2", "product_id": "product4", "rating": 4}
---- output unordered
+I[supplier1, 4, 1]
+I[supplier1, NULL, 2]
+I[NULL, NULL, 4]
+I[supplier1, 3, 1]
+I[supplier2, 3, 1]
+I[supplier2, NULL, 2]
+I[supplier2, 4, 1]
