/**
 * Nexmark q0-q8 (q6 left out: Flink's streaming SQL does not run it either) as Flink SQL scripts, one text
 * for both engines of scripts/flink-bench.mjs: the three source tables over Kafka topics of
 * bench/nexmark/generator.ts's events, bounded at the end offsets found at start, a Kafka sink table, and
 * the query, in the form of the Nexmark repository's Flink queries (window table functions). q4 has an
 * updating result and writes to an upsert-kafka table.
 */

export interface NexmarkTopics {
  readonly brokers: string;
  readonly person: string;
  readonly auction: string;
  readonly bid: string;
  readonly sink: string;
  readonly group: string;
}

export interface NexmarkQuery {
  /** The sink table's columns. */
  readonly sink: string;
  /** PRIMARY KEY of an updating result (written as upserts); absent: append-only. */
  readonly key?: string;
  readonly select: string;
}

export const NEXMARK_QUERIES: Readonly<Record<string, NexmarkQuery>> = {
  q0: {
    sink: 'auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3), extra STRING',
    select: 'SELECT auction, bidder, price, dateTime, extra FROM bid',
  },
  q1: {
    sink: 'auction BIGINT, bidder BIGINT, price DECIMAL(23, 3), dateTime TIMESTAMP(3), extra STRING',
    select: 'SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid',
  },
  q2: {
    sink: 'auction BIGINT, price BIGINT',
    select: 'SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0',
  },
  q3: {
    sink: 'name STRING, city STRING, state STRING, id BIGINT',
    select: `SELECT P.name, P.city, P.state, A.id
FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')`,
  },
  q4: {
    sink: 'id BIGINT, final BIGINT',
    key: 'id',
    select: `SELECT Q.category AS id, AVG(Q.final) AS final
FROM (
  SELECT MAX(B.price) AS final, A.category
  FROM auction A, bid B
  WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
  GROUP BY A.id, A.category
) Q
GROUP BY Q.category`,
  },
  q5: {
    sink: 'auction BIGINT, num BIGINT',
    select: `SELECT AuctionBids.auction, AuctionBids.num
FROM (
  SELECT auction, COUNT(*) AS num, window_start AS starttime, window_end AS endtime
  FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
  GROUP BY auction, window_start, window_end
) AS AuctionBids
JOIN (
  SELECT MAX(CountBids.num) AS maxn, CountBids.starttime, CountBids.endtime
  FROM (
    SELECT COUNT(*) AS num, window_start AS starttime, window_end AS endtime
    FROM TABLE(HOP(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
    GROUP BY auction, window_start, window_end
  ) AS CountBids
  GROUP BY CountBids.starttime, CountBids.endtime
) AS MaxBids
ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime AND AuctionBids.num >= MaxBids.maxn`,
  },
  q7: {
    sink: 'auction BIGINT, price BIGINT, bidder BIGINT, dateTime TIMESTAMP(3), extra STRING',
    select: `SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra
FROM bid B
JOIN (
  SELECT MAX(price) AS maxprice, window_end AS dateTime
  FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
  GROUP BY window_start, window_end
) B1
ON B.price = B1.maxprice
WHERE B.dateTime BETWEEN B1.dateTime - INTERVAL '10' SECOND AND B1.dateTime`,
  },
  q8: {
    sink: 'id BIGINT, name STRING, starttime TIMESTAMP(3)',
    select: `SELECT P.id, P.name, P.starttime
FROM (
  SELECT id, name, window_start AS starttime, window_end AS endtime
  FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
  GROUP BY id, name, window_start, window_end
) P
JOIN (
  SELECT seller, window_start AS starttime, window_end AS endtime
  FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(dateTime), INTERVAL '10' SECOND))
  GROUP BY seller, window_start, window_end
) A
ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime`,
  },
};

const COLUMNS = {
  person: 'id BIGINT, name STRING, emailAddress STRING, creditCard STRING, city STRING, state STRING, dateTime TIMESTAMP(3), extra STRING',
  auction: 'id BIGINT, itemName STRING, description STRING, initialBid BIGINT, reserve BIGINT, dateTime TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra STRING',
  bid: 'auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP(3), extra STRING',
} as const;

/** The whole script of query `name`: three source tables, the sink table, the INSERT. */
export function nexmarkScript(name: string, t: NexmarkTopics, opts: { bounded?: boolean } = {}): string {
  const q = NEXMARK_QUERIES[name];
  if (!q) throw new Error(`unknown Nexmark query ${name} (known: ${Object.keys(NEXMARK_QUERIES).join(', ')})`);
  const bounded = opts.bounded ?? true;
  const source = (table: keyof typeof COLUMNS): string => `CREATE TABLE ${table} (
  ${COLUMNS[table]},
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH (
  'connector' = 'kafka', 'topic' = '${t[table]}', 'properties.bootstrap.servers' = '${t.brokers}',
  'properties.group.id' = '${t.group}-${table}', 'scan.startup.mode' = 'earliest-offset',${bounded ? " 'scan.bounded.mode' = 'latest-offset'," : ''}
  'format' = 'json'
);`;
  const sink = q.key
    ? `CREATE TABLE nexmark_${name} (${q.sink}, PRIMARY KEY (${q.key}) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = '${t.sink}', 'properties.bootstrap.servers' = '${t.brokers}', 'key.format' = 'json', 'value.format' = 'json'
);`
    : `CREATE TABLE nexmark_${name} (${q.sink}) WITH (
  'connector' = 'kafka', 'topic' = '${t.sink}', 'properties.bootstrap.servers' = '${t.brokers}', 'format' = 'json',
  'sink.delivery-guarantee' = 'at-least-once'
);`;
  return [source('person'), source('auction'), source('bid'), sink, `INSERT INTO nexmark_${name}\n${q.select};`, ''].join('\n');
}
