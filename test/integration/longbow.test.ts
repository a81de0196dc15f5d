import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaStream, loadBookingProtos, protoTimestamp, writeJobFile } from '../helpers/jobs.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';
import { REPO_ROOT, runCli, startCli } from '../helpers/process.js';

/**
 * Longbow and Longbow+ through the CLI on the real broker, with the machine's PostgreSQL as the store
 * (PROCESSOR_LONGBOW_STORE_URL; Dagger uses BigTable). The queries are the ones of Dagger's longbow.md and
 * longbow_plus.md, with durations of 3 days and 1 hour over a keyed history.
 */
const STORE = 'postgres://postgres@127.0.0.1:5432/test';
const dir = mkdtempSync(join(tmpdir(), 'dirk-longbow-'));
const NOW = Date.now();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let Booking: protobuf.Type;
const tables: string[] = [];

beforeAll(async () => {
  Booking = (await loadBookingProtos()).lookupType('dirk.examples.BookingLogMessage');
});
afterAll(async () => {
  const db = new pg.Client({ connectionString: STORE });
  await db.connect();
  await db.query('DELETE FROM dirk_longbow.cells WHERE table_id = ANY($1)', [tables]).catch(() => undefined);
  await db.end();
  await closeKafkaHelpers();
});

// History of two customers, oldest first: c1 at now-4d, now-2d, now-30min, now; c2 at now-2h, now.
const HISTORY: [string, string, number, number][] = [
  ['o1', 'c1', NOW - 4 * DAY, 101],
  ['o2', 'c1', NOW - 2 * DAY, 102],
  ['o5', 'c2', NOW - 2 * HOUR, 201],
  ['o3', 'c1', NOW - 30 * 60_000, 103],
  ['o4', 'c1', NOW, 104],
  ['o6', 'c2', NOW, 202],
];

async function feed(topic: string): Promise<void> {
  await createTopics([topic], 1);
  await produce(
    topic,
    HISTORY.map(([order, customer, at, driver]) => ({
      value: Buffer.from(Booking.encode(Booking.fromObject({ order_number: order, customer_id: customer, driver_id: driver, event_timestamp: protoTimestamp(at) })).finish()),
    })),
  );
}

function job(name: string, input: string, output: string, query: string, extra: Record<string, unknown> = {}): string {
  const id = `it-longbow-${name}-${input}`;
  tables.push(id);
  return writeJobFile(dir, name, {
    FLINK_JOB_ID: id,
    STREAMS: [kafkaStream({ table: 'booking', protoClass: 'dirk.examples.BookingLogMessage', timestampIndex: '5', topic: input, groupId: `it-longbow-${name}-${input}` })],
    FLINK_SQL_QUERY: query,
    SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: output,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    PROCESSOR_LONGBOW_STORE_URL: STORE,
    // Test files run in parallel: never the default metrics port.
    METRICS_PORT: '0',
    ...extra,
  });
}

// longbow.md's sample query, with the duration under test.
const longbowQuery = (duration: string): string =>
  `SELECT CURRENT_TIMESTAMP AS event_timestamp, customer_id AS longbow_key, customer_id AS customer_id, order_number AS longbow_data1, driver_id AS longbow_data2, '${duration}' AS longbow_duration, rowtime AS rowtime FROM booking`;

async function runLongbow(name: string, duration: string): Promise<Record<string, unknown>[]> {
  const input = uniqueTopic(`it-longbow-${name}-in`);
  const output = uniqueTopic(`it-longbow-${name}-out`);
  await feed(input);
  await createTopics([output], 1);
  const cli = startCli(['run', job(name, input, output, longbowQuery(duration))]);
  try {
    return (await consumeN(output, HISTORY.length, 40_000)).map((r) => JSON.parse(r.value!.toString('utf8')) as Record<string, unknown>);
  } finally {
    const status = await cli.stop('SIGTERM', 20_000);
    expect(status.code, cli.stderr()).toBe(0);
  }
}

describe('Longbow', () => {
  it('gives each row the look-back lists of its key over 3 days, newest first', async () => {
    const out = await runLongbow('3d', '3d');
    // o1 (4 days back) is in o2's window (2 days later), not in o3's or o4's.
    expect(out.map((r) => r['longbow_data1'])).toEqual([['o1'], ['o2', 'o1'], ['o5'], ['o3', 'o2'], ['o4', 'o3', 'o2'], ['o6', 'o5']]);
    expect(out[4]).toMatchObject({ longbow_key: 'c1', customer_id: 'c1', longbow_data2: ['104', '103', '102'], longbow_duration: '3d' });
  });

  it('and over 1 hour', async () => {
    const out = await runLongbow('1h', '1h');
    expect(out.map((r) => r['longbow_data1'])).toEqual([['o1'], ['o2'], ['o5'], ['o3'], ['o4', 'o3'], ['o6']]);
  });

  it('without a store is a clear error at validate time', async () => {
    const file = job('nostore', 'unused', 'unused', longbowQuery('3d'), { PROCESSOR_LONGBOW_STORE_URL: '' });
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Longbow (the query has a longbow_key column): Longbow needs a store');
  });

  it('with an unreachable store stops at start with exit 1', async () => {
    const file = job('deadstore', uniqueTopic('it-longbow-dead'), 'unused', longbowQuery('3d'), { PROCESSOR_LONGBOW_STORE_URL: 'postgres://postgres@127.0.0.1:1/test', PROCESSOR_LONGBOW_ASYNC_TIMEOUT: '2000', SINK_KAFKA_CREATE_TOPIC: 'true' });
    const r = await runCli(['run', file], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('the Longbow store postgres postgres@127.0.0.1:1/test cannot be used');
  });
});

describe('Longbow+', () => {
  it('a writer job stores whole rows and a reader job in another job reads them back as proto_data', async () => {
    const input = uniqueTopic('it-longbowplus-in');
    const syncTopic = uniqueTopic('it-longbowplus-sync');
    const readTopic = uniqueTopic('it-longbowplus-read');
    await feed(input);
    await createTopics([syncTopic, readTopic], 1);
    const table = `it-longbowplus-${input}`;
    // longbow_plus.md's writer query (its `location` is this proto's `pickup`).
    const writer = job('plus-writer', input, syncTopic, 'SELECT CURRENT_TIMESTAMP AS event_timestamp, customer_id AS longbow_write_key, order_number, driver_id, pickup AS location, rowtime AS rowtime FROM booking', {
      PROCESSOR_LONGBOW_GCP_TABLE_ID: table,
    });
    const w = startCli(['run', writer]);
    let sync: Record<string, unknown>[];
    try {
      sync = (await consumeN(syncTopic, HISTORY.length, 40_000)).map((r) => JSON.parse(r.value!.toString('utf8')) as Record<string, unknown>);
    } finally {
      expect((await w.stop('SIGTERM', 20_000)).code, w.stderr()).toBe(0);
    }
    expect(sync[0]).toMatchObject({ longbow_write_key: 'c1', bigtable_table_id: table, input_class_name: 'dirk.examples.BookingLogMessage', longbow_read_key: 'c1' });
    // The reader reads the same bookings, keyed by customer, over 3 days.
    const reader = job('plus-reader', input, readTopic, "SELECT CURRENT_TIMESTAMP AS event_timestamp, customer_id AS longbow_read_key, '3d' AS longbow_duration, rowtime AS rowtime FROM booking", {
      PROCESSOR_LONGBOW_GCP_TABLE_ID: table,
    });
    const r = startCli(['run', reader]);
    try {
      const out = (await consumeN(readTopic, HISTORY.length, 40_000)).map((m) => JSON.parse(m.value!.toString('utf8')) as Record<string, unknown>);
      const orders = (row: Record<string, unknown>): string[] =>
        (row['proto_data'] as string[]).map((b64) => (Booking.toObject(Booking.decode(Buffer.from(b64, 'base64'))) as { order_number: string }).order_number);
      // The writer stored every row before the reader ran: each reader row sees its key's 3-day history up to its rowtime.
      expect(out.map(orders)).toEqual([['o1'], ['o2', 'o1'], ['o5'], ['o3', 'o2'], ['o4', 'o3', 'o2'], ['o6', 'o5']]);
      expect(Object.keys(out[0]!)).toEqual(['event_timestamp', 'longbow_read_key', 'longbow_duration', 'rowtime', 'proto_data']);
    } finally {
      expect((await r.stop('SIGTERM', 20_000)).code, r.stderr()).toBe(0);
    }
  });
});
