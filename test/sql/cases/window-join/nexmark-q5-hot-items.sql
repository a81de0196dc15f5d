# Nexmark q5 (its text unchanged): per HOP(2 s, 10 s) window, the auctions with the most bids. The maximum
# per window is a cascaded window aggregation (GROUP BY the window bounds of a window aggregate's result)
# and the join on the window bounds is a window join: append-only, each window emitted once when it closes.
# Bids: auction 1 at 0.5 s, 1.5 s, 3 s; auction 2 at 1 s (out of order) and 9 s; after the watermark reached
# 12 s, auction 3 at 1 s (late for all its windows: dropped) and at 11 s (late only for the window that ends
# at 12 s, which has already fired; counted in the windows ending at 14, 16, 18 and 20 s).
# Expected, window by window: [-8,2) a1=2 a2=1; [-6,4) .. [0,10) a1=3; [2,12) a1=1 a2=1; [4,14) .. [8,18)
# a2=1 a3=1; [10,20) a3=1.
table bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP ROWTIME)
---- query
SELECT AuctionBids.auction, AuctionBids.num
 FROM (
   SELECT
     auction,
     count(*) AS num,
     window_start AS starttime,
     window_end AS endtime
     FROM TABLE(
             HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
     GROUP BY auction, window_start, window_end
 ) AS AuctionBids
 JOIN (
   SELECT
     max(CountBids.num) AS maxn,
     CountBids.starttime,
     CountBids.endtime
   FROM (
     SELECT
       count(*) AS num,
       window_start AS starttime,
       window_end AS endtime
     FROM TABLE(
                HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
     GROUP BY auction, window_start, window_end
     ) AS CountBids
   GROUP BY CountBids.starttime, CountBids.endtime
 ) AS MaxBids
 ON AuctionBids.starttime = MaxBids.starttime AND
    AuctionBids.endtime = MaxBids.endtime AND
    AuctionBids.num >= MaxBids.maxn
---- input bid
{"auction": 1, "bidder": 1, "price": 1, "dateTime": "2026-01-01 00:00:00.500"}
{"auction": 1, "bidder": 1, "price": 1, "dateTime": "2026-01-01 00:00:01.500"}
{"auction": 1, "bidder": 1, "price": 1, "dateTime": "2026-01-01 00:00:03"}
{"auction": 2, "bidder": 1, "price": 1, "dateTime": "2026-01-01 00:00:01"}
{"auction": 2, "bidder": 1, "price": 1, "dateTime": "2026-01-01 00:00:09"}
watermark 2026-01-01 00:00:12
---- input bid
{"auction": 3, "bidder": 1, "price": 1, "dateTime": "2026-01-01 00:00:01"}
{"auction": 3, "bidder": 1, "price": 1, "dateTime": "2026-01-01 00:00:11"}
---- output unordered
+I[1, 2]
+I[1, 3]
+I[1, 3]
+I[1, 3]
+I[1, 3]
+I[1, 1]
+I[2, 1]
+I[2, 1]
+I[3, 1]
+I[2, 1]
+I[3, 1]
+I[2, 1]
+I[3, 1]
+I[3, 1]
