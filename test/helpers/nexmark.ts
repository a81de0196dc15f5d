/**
 * Nexmark's auction and bid records as JSON (the properties the integration tests produce; `ts` is the event
 * time) and queries q4 and q5 as the nexmark/nexmark repository writes them (the versions on `dateTime`), shared by
 * the Nexmark integration tests (one task, a chain of exchanges, bounded runs scaled out).
 */
export const AUCTION_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    itemName: { type: 'string' },
    description: { type: 'string' },
    initialBid: { type: 'integer' },
    reserve: { type: 'integer' },
    ts: { type: 'string', format: 'date-time' },
    expires: { type: 'string', format: 'date-time' },
    seller: { type: 'integer' },
    category: { type: 'integer' },
    extra: { type: 'string' },
  },
};
export const BID_SCHEMA = {
  type: 'object',
  properties: {
    auction: { type: 'integer' },
    bidder: { type: 'integer' },
    price: { type: 'integer' },
    channel: { type: 'string' },
    url: { type: 'string' },
    ts: { type: 'string', format: 'date-time' },
    extra: { type: 'string' },
  },
};

/** Nexmark q4: the average winning price per category (a regular join bounded by A.expires, two aggregates). */
export const Q4 = `INSERT INTO nexmark_q4
SELECT
    Q.category,
    AVG(Q.final)
FROM (
    SELECT MAX(B.price) AS final, A.category
    FROM auction A, bid B
    WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
    GROUP BY A.id, A.category
) Q
GROUP BY Q.category`;

/** Nexmark q5: hot items per HOP(2 s, 10 s) window (cascaded window aggregation and a window join). */
export const Q5 = `INSERT INTO nexmark_q5
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
    AuctionBids.num >= MaxBids.maxn`;
