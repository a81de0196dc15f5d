import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeKafkaHelpers, consumeN, createTopics, endOffsets, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { startCli } from '../helpers/process.js';

/**
 * `dirk run script.sql` with DDL (a Kafka JSON source with a PROCTIME() column, a 'jdbc' PostgreSQL lookup
 * table, two Kafka JSON sinks) and a statement set of two INSERTs that both look orders up in PostgreSQL
 * (`FOR SYSTEM_TIME AS OF o.pt`): a LEFT lookup join of every order, and an inner lookup join keeping the
 * gold customers' orders. The source has no WATERMARK (processing time only, as Flink allows). Both output
 * topics are checked exactly, and the source topic is read once.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-script-ss-lookup-'));
const TABLE = `it_ss_lookup_customers_${process.pid}`;
const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });

beforeAll(async () => {
  await db.connect();
  await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await db.query(`CREATE TABLE ${TABLE} (id bigint PRIMARY KEY, name text, tier text)`);
  await db.query(`INSERT INTO ${TABLE} VALUES (1, 'ann', 'gold'), (2, 'bob', 'silver'), (3, 'cy', 'gold')`);
});
afterAll(async () => {
  await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await db.end();
  await closeKafkaHelpers();
});

type Json = Record<string, unknown>;

describe('dirk run script.sql: a statement set with lookup joins against PostgreSQL', () => {
  it('writes both INSERTs of the statement set through Kafka, each enriched from PostgreSQL', async () => {
    const input = uniqueTopic('ssl-in');
    const all = uniqueTopic('ssl-all');
    const gold = uniqueTopic('ssl-gold');
    await createTopics([input, all, gold], 1);
    const kafka = (topic: string): string => `'connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}'`;
    const file = join(dir, `${input}.sql`);
    writeFileSync(
      file,
      `SET 'pipeline.name' = 'ssl-${input}';
CREATE TABLE orders (
  order_id STRING,
  cid BIGINT,
  amount DOUBLE,
  pt AS PROCTIME()
) WITH (${kafka(input)}, 'properties.group.id' = 'g-${input}', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE customers (
  id BIGINT,
  name STRING,
  tier STRING,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:postgresql://127.0.0.1:5432/test',
  'table-name' = '${TABLE}',
  'username' = 'postgres',
  'lookup.cache' = 'PARTIAL',
  'lookup.partial-cache.max-rows' = '100',
  'lookup.partial-cache.expire-after-write' = '10 min'
);
CREATE TABLE enriched (order_id STRING, name STRING, tier STRING, amount DOUBLE) WITH (${kafka(all)}, 'format' = 'json');
CREATE TABLE gold_orders (name STRING, order_id STRING, doubled DOUBLE) WITH (${kafka(gold)}, 'format' = 'json');
EXECUTE STATEMENT SET BEGIN
  INSERT INTO enriched
  SELECT o.order_id, c.name, c.tier, o.amount
  FROM orders AS o
  LEFT JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id;
  INSERT INTO gold_orders
  SELECT c.name, o.order_id, o.amount * 2
  FROM orders AS o
  JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id
  WHERE c.tier = 'gold';
END;
`,
    );
    const orders = Array.from({ length: 50 }, (_, i) => ({ order_id: `o${i}`, cid: (i % 5) + 1, amount: i }));
    await produce(input, orders.map((o) => ({ value: JSON.stringify(o) })));
    const names = ['ann', 'bob', 'cy', null, null];
    const tiers = ['gold', 'silver', 'gold', null, null];
    const expectedAll = orders.map((o) => ({ order_id: o.order_id, name: names[o.cid - 1], tier: tiers[o.cid - 1], amount: o.amount }));
    const expectedGold = orders.filter((o) => o.cid === 1 || o.cid === 3).map((o) => ({ name: names[o.cid - 1], order_id: o.order_id, doubled: o.amount * 2 }));
    expect(expectedGold).toHaveLength(20);

    const cli = startCli(['run', file, '--checkpoint-dir', join(dir, `cp-${input}`)], { env: { METRICS_PORT: '0' } });
    try {
      const got = async (topic: string, n: number): Promise<Json[]> => (await consumeN(topic, n, 60_000)).map((m) => JSON.parse(m.value!.toString()) as Json);
      expect(await got(all, expectedAll.length)).toEqual(expectedAll);
      expect(await got(gold, expectedGold.length)).toEqual(expectedGold);
    } finally {
      // SIGTERM: the batch in flight finishes and the sinks are flushed
      await cli.stop();
    }
    expect(cli.stderr()).not.toMatch(/ (ERROR|WARN) /);
    // one read of the topic feeds both INSERTs
    expect(cli.stderr()).toContain(`records_read=${orders.length} `);
    // nothing beyond the expected records reached either topic
    expect((await endOffsets(all)).get(0)).toBe(expectedAll.length);
    expect((await endOffsets(gold)).get(0)).toBe(expectedGold.length);
  }, 120_000);
});
