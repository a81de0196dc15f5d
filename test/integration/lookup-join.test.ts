import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { runCli, startCli } from '../helpers/process.js';

/**
 * `dirk run script.sql` with a lookup join: orders from a Kafka JSON table (with a PROCTIME() column) joined
 * with a PostgreSQL table declared as a 'jdbc' lookup table (partial cache), into a Kafka JSON table, end to end;
 * `dirk explain` shows the LookupJoin without the password, and a missing database table stops the job (exit 2)
 * naming it.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-lookup-join-'));
const TABLE = `it_lookup_customers_${process.pid}`;
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

function script(input: string, output: string, table = TABLE): string {
  return `CREATE TABLE orders (
  order_id STRING,
  cid BIGINT,
  amount DOUBLE,
  ts TIMESTAMP(3),
  pt AS PROCTIME(),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${input}',
  'properties.bootstrap.servers' = '${kafkaBootstrap()}',
  'properties.group.id' = 'g-${input}',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);
CREATE TABLE customers (
  id BIGINT,
  name STRING,
  tier STRING,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:postgresql://127.0.0.1:5432/test',
  'table-name' = '${table}',
  'username' = 'postgres',
  'password' = 'not-shown-pw',
  'lookup.cache' = 'PARTIAL',
  'lookup.partial-cache.max-rows' = '1000',
  'lookup.partial-cache.expire-after-write' = '10 min',
  'lookup.max-retries' = '3'
);
CREATE TABLE enriched (order_id STRING, name STRING, tier STRING, amount DOUBLE) WITH (
  'connector' = 'kafka',
  'topic' = '${output}',
  'properties.bootstrap.servers' = '${kafkaBootstrap()}',
  'format' = 'json'
);
INSERT INTO enriched
SELECT o.order_id, c.name, c.tier, o.amount
FROM orders AS o
LEFT JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id;
`;
}

describe('dirk run script.sql with a lookup join against PostgreSQL', () => {
  it('enriches every order through Kafka, in input order, NULL-padded when the customer is unknown', async () => {
    const input = uniqueTopic('lookup-in');
    const output = uniqueTopic('lookup-out');
    await createTopics([input, output], 1);
    const orders = Array.from({ length: 200 }, (_, i) => ({ order_id: `o${i}`, cid: (i % 5) + 1, amount: i, ts: `2026-01-01 09:00:${String(i % 60).padStart(2, '0')}` }));
    await produce(input, orders.map((o) => ({ value: JSON.stringify(o) })));
    const file = join(dir, `${input}.sql`);
    writeFileSync(file, script(input, output));

    const explained = await runCli(['explain', file], { timeoutMs: 60_000 });
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).toContain(`LookupJoin(type=LEFT, table=customers, jdbc jdbc:postgresql://127.0.0.1:5432/test table-name=${TABLE}`);
    expect(explained.stdout + explained.stderr).not.toContain('not-shown-pw');

    const cli = startCli(['run', file, '--checkpoint-dir', join(dir, `cp-${input}`)], { env: { METRICS_PORT: '0' } });
    try {
      const got = (await consumeN(output, orders.length, 60_000)).map((m) => JSON.parse(m.value!.toString()) as Record<string, unknown>);
      const names = ['ann', 'bob', 'cy', null, null];
      const tiers = ['gold', 'silver', 'gold', null, null];
      expect(got).toEqual(orders.map((o) => ({ order_id: o.order_id, name: names[o.cid - 1], tier: tiers[o.cid - 1], amount: o.amount })));
    } finally {
      await cli.stop();
    }
  }, 120_000);

  it('stops with exit 2 naming a lookup table the database does not have, without the password', async () => {
    const input = uniqueTopic('lookup-bad-in');
    const output = uniqueTopic('lookup-bad-out');
    await createTopics([input, output], 1);
    const file = join(dir, `${input}.sql`);
    writeFileSync(file, script(input, output, 'no_such_lookup_table'));
    const r = await runCli(['run', file, '--checkpoint-dir', join(dir, `cp-${input}`)], { timeoutMs: 60_000, env: { METRICS_PORT: '0' } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('lookup table customers (jdbc:postgresql://127.0.0.1:5432/test, table-name no_such_lookup_table): cannot be read');
    expect(r.stderr).not.toContain('not-shown-pw');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});
