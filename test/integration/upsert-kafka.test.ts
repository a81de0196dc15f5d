import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeKafkaHelpers, consumeN, createTopics, endOffsets, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { startCli } from '../helpers/process.js';

/**
 * Flink's 'upsert-kafka' connector in a SQL script, on the real broker:
 * - as a source (key JSON with 'key.fields-prefix' and 'value.fields-include' = 'EXCEPT_KEY'): values are
 *   upserts of their key, tombstones delete it, a ChangelogNormalize keeps the last row per key; a GROUP BY
 *   over it sees the retractions, and its result goes to an upsert-kafka sink keyed by the sink's PRIMARY KEY,
 *   a group that empties becoming a tombstone; after a stop and restart the normalizer's state is restored
 *   (a tombstone read after the restart retracts the row read before it);
 * - copied from one upsert-kafka table to another, record for record (tombstones in, tombstones out);
 * - as the versioned side of an event-time temporal join.
 */
const dir = mkdtempSync(join(tmpdir(), 'dirk-upsert-kafka-'));
afterAll(() => closeKafkaHelpers());

type Json = Record<string, unknown>;

async function count(topic: string): Promise<number> {
  return (await endOffsets(topic)).get(0)!;
}

/** The topic read as a table: the last value per key, null for a key whose last record is a tombstone. */
async function latest(topic: string): Promise<Record<string, Json | null>> {
  const ms = await consumeN(topic, await count(topic), 10_000);
  const out: Record<string, Json | null> = {};
  for (const m of ms) out[m.key!.toString()] = m.value ? (JSON.parse(m.value.toString()) as Json) : null;
  return out;
}

const kafka = (topic: string): string => `'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}'`;
const user = (id: string, region: string | null): { key: string; value: string | null } => ({
  key: JSON.stringify({ id }),
  value: region === null ? null : JSON.stringify({ region }),
});

describe("'upsert-kafka' tables", () => {
  it('reads upserts and tombstones into a GROUP BY, writes its upserts and tombstones by the sink key, and restores the normalizer state', async () => {
    const users = uniqueTopic('ups-users');
    const counts = uniqueTopic('ups-counts');
    const copy = uniqueTopic('ups-copy');
    await createTopics([users, counts, copy], 1);
    const script = join(dir, `${users}.sql`);
    writeFileSync(
      script,
      `SET 'pipeline.name' = 'ups-${users}';
SET 'execution.checkpointing.interval' = '1 s';
CREATE TABLE users (k_id STRING, region STRING, PRIMARY KEY (k_id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', ${kafka(users)}, 'properties.group.id' = 'g-${users}', 'key.format' = 'json', 'value.format' = 'json',
      'key.fields-prefix' = 'k_', 'value.fields-include' = 'EXCEPT_KEY');
CREATE TABLE per_region (r_region STRING, n BIGINT, PRIMARY KEY (r_region) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', ${kafka(counts)}, 'key.format' = 'json', 'value.format' = 'json',
      'key.fields-prefix' = 'r_', 'value.fields-include' = 'EXCEPT_KEY');
CREATE TABLE users_copy (k_id STRING, region STRING, PRIMARY KEY (k_id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', ${kafka(copy)}, 'key.format' = 'json', 'value.format' = 'json',
      'key.fields-prefix' = 'k_', 'value.fields-include' = 'EXCEPT_KEY');
EXECUTE STATEMENT SET BEGIN
  INSERT INTO per_region SELECT region, COUNT(*) FROM users GROUP BY region;
  INSERT INTO users_copy SELECT k_id, region FROM users;
END;
`,
    );
    const args = ['run', script, '--checkpoint-dir', join(dir, `cp-${users}`)];
    await produce(users, [user('u1', 'eu'), user('u2', 'eu'), user('u3', 'us')]);
    const first = startCli(args, { env: { METRICS_PORT: '0' } });
    try {
      await expect.poll(() => latest(counts), { timeout: 60_000 }).toEqual({ '{"region":"eu"}': { n: 2 }, '{"region":"us"}': { n: 1 } });
      // u1 moves to us, u2 is deleted (eu empties: a tombstone for its key), u3 repeats its row (no change),
      // a tombstone of a key never seen changes nothing
      await produce(users, [user('u1', 'us'), user('u2', null), user('u3', 'us'), user('u9', null)]);
      await expect.poll(() => latest(counts), { timeout: 60_000 }).toEqual({ '{"region":"eu"}': null, '{"region":"us"}': { n: 2 } });
    } finally {
      await first.stop();
    }
    expect(first.stderr()).not.toMatch(/ (ERROR|WARN) /);
    // every record is keyed by the sink's PRIMARY KEY (prefix dropped) and holds only n (EXCEPT_KEY) or nothing
    const written = await consumeN(counts, await count(counts), 10_000);
    for (const m of written) {
      expect(['{"region":"eu"}', '{"region":"us"}']).toContain(m.key!.toString());
      if (m.value) expect(Object.keys(JSON.parse(m.value.toString()) as Json)).toEqual(['n']);
    }

    // Read after the restart: u3's tombstone retracts the row the normalizer kept for it before the stop.
    await produce(users, [user('u3', null), user('u4', 'eu')]);
    const second = startCli(args, { env: { METRICS_PORT: '0' } });
    try {
      await expect.poll(() => latest(counts), { timeout: 60_000 }).toEqual({ '{"region":"eu"}': { n: 1 }, '{"region":"us"}': { n: 1 } });
    } finally {
      await second.stop();
    }
    expect(second.stderr()).not.toMatch(/ (ERROR|WARN) /);
    // the restarted job read only the two new records (from the committed offsets): u3's row came from the
    // restored ChangelogNormalize state, not from reading the topic again
    expect(second.stderr()).toContain('records_read=2 ');

    // The copy, record for record: the input's layout back (key {"id"}, value without the key), tombstones
    // for deletes, nothing for the unknown key's tombstone. u3's repeated row is written again because
    // idle-state retention is on (FLINK_RETENTION_IDLE_STATE_MINUTE, default 10): ChangelogNormalize then
    // emits -U/+U for an unchanged row, as Flink does with a state TTL.
    const records = (await consumeN(copy, await count(copy), 10_000)).map((m) => [m.key!.toString(), m.value?.toString() ?? null]);
    expect(records).toEqual([
      ['{"id":"u1"}', '{"region":"eu"}'],
      ['{"id":"u2"}', '{"region":"eu"}'],
      ['{"id":"u3"}', '{"region":"us"}'],
      ['{"id":"u1"}', '{"region":"us"}'],
      ['{"id":"u2"}', null],
      ['{"id":"u3"}', '{"region":"us"}'],
      ['{"id":"u3"}', null],
      ['{"id":"u4"}', '{"region":"eu"}'],
    ]);
  }, 240_000);

  it('is the versioned table of an event-time temporal join', async () => {
    const orders = uniqueTopic('ups-orders');
    const rates = uniqueTopic('ups-rates');
    const out = uniqueTopic('ups-priced');
    await createTopics([orders, rates, out], 1);
    const script = join(dir, `${orders}.sql`);
    writeFileSync(
      script,
      `SET 'pipeline.name' = 'ups-${orders}';
CREATE TABLE orders (order_id STRING, currency STRING, amount DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'kafka', ${kafka(orders)}, 'properties.group.id' = 'g-${orders}', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE rates (currency STRING, rate DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND, PRIMARY KEY (currency) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', ${kafka(rates)}, 'properties.group.id' = 'g-${rates}', 'key.format' = 'json', 'value.format' = 'json');
CREATE TABLE priced (order_id STRING, price DOUBLE) WITH ('connector' = 'kafka', ${kafka(out)}, 'format' = 'json');
INSERT INTO priced
SELECT o.order_id, o.amount * r.rate FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.currency = r.currency;
`,
    );
    const rate = (currency: string, r: number, ts: string): { key: string; value: string } => ({
      key: JSON.stringify({ currency }),
      value: JSON.stringify({ currency, rate: r, ts: `2026-01-01 ${ts}` }),
    });
    const order = (id: string, currency: string, amount: number, ts: string): { value: string } => ({
      value: JSON.stringify({ order_id: id, currency, amount, ts: `2026-01-01 ${ts}` }),
    });
    // EUR changes at 09:00:10 (an update of its key); the last rows move both watermarks past 09:00:30
    await produce(rates, [rate('EUR', 2, '09:00:00'), rate('USD', 3, '09:00:00'), rate('EUR', 4, '09:00:10'), rate('JPY', 1, '09:01:00')]);
    await produce(orders, [
      order('o1', 'EUR', 10, '09:00:05'),
      order('o2', 'EUR', 10, '09:00:15'),
      order('o3', 'USD', 10, '09:00:12'),
      order('o4', 'GBP', 10, '09:00:20'),
      order('o5', 'JPY', 10, '09:01:00'),
    ]);
    const cli = startCli(['run', script, '--checkpoint-dir', join(dir, `cp-${orders}`)], { env: { METRICS_PORT: '0' } });
    try {
      const got = (await consumeN(out, 3, 60_000)).map((m) => JSON.parse(m.value!.toString()) as Json);
      // each order at its own time: o1 before the EUR update, o2 after it; GBP has no version (inner join)
      expect(got).toEqual([
        { order_id: 'o1', price: 20 },
        { order_id: 'o3', price: 30 },
        { order_id: 'o2', price: 40 },
      ]);
    } finally {
      await cli.stop();
    }
    expect(cli.stderr()).not.toMatch(/ (ERROR|WARN) /);
    expect(await count(out)).toBe(3);
  }, 180_000);
});
