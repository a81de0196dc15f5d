import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, kafkaClient, produce, uniqueTopic, type ConsumedMessage } from '../helpers/kafka.js';
import { REPO_ROOT, startCli } from '../helpers/process.js';

/**
 * The SQL surface end to end through the real broker, the CLI running each job as a child process: an
 * interval join of two topics, a deduplication (keep first), and an updating GROUP BY written as upserts
 * with a protobuf key, where a retraction that empties a group becomes a tombstone.
 */
let Booking: protobuf.Type;
let Payment: protobuf.Type;
let Count: protobuf.Type;
let CountKey: protobuf.Type;
const dir = mkdtempSync(join(tmpdir(), 'dirk-sql-e2e-'));
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

beforeAll(async () => {
  const root = await new protobuf.Root().load(join(REPO_ROOT, 'protos/dirk/examples/booking.proto'), { keepCase: true });
  Booking = root.lookupType('dirk.examples.BookingLogMessage');
  Payment = root.lookupType('dirk.examples.PaymentLogMessage');
  Count = root.lookupType('dirk.examples.BookingCountMessage');
  CountKey = root.lookupType('dirk.examples.BookingCountKey');
});
afterAll(() => closeKafkaHelpers());

const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

function booking(order: string, service: string, atMs: number, amount: number): { value: Buffer } {
  const msg = Booking.fromObject({ order_number: order, service_type: service, status: 'COMPLETED', event_timestamp: ts(atMs), order_amount: amount });
  return { value: Buffer.from(Booking.encode(msg).finish()) };
}

function payment(order: string, atMs: number, amount: number, method: string): { value: Buffer } {
  const msg = Payment.fromObject({ order_id: order, amount, method, event_timestamp: ts(atMs) });
  return { value: Buffer.from(Payment.encode(msg).finish()) };
}

function stream(table: string, protoClass: string, tsField: number, topic: string): Record<string, unknown> {
  return {
    INPUT_SCHEMA_TABLE: table,
    INPUT_SCHEMA_PROTO_CLASS: protoClass,
    INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: String(tsField),
    SOURCE_KAFKA_TOPIC_NAMES: topic,
    SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: kafkaBootstrap(),
    SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `it-e2e-${topic}`,
    SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
    SOURCE_DETAILS: [{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA_CONSUMER' }],
  };
}

function writeJob(name: string, streams: Record<string, unknown>[], query: string, sink: Record<string, string>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      FLINK_JOB_ID: `it-e2e-${name}-${Date.now()}`,
      STREAMS: streams,
      FLINK_SQL_QUERY: query,
      FLINK_WATERMARK_DELAY_MS: '0',
      FLINK_WATERMARK_INTERVAL_MS: '100',
      FLINK_CHECKPOINT_INTERVAL_MS: '1000',
      SCHEMA_PROTO_DIRS: join(REPO_ROOT, 'protos'),
      METRIC_TELEMETRY_ENABLE: 'false',
      SINK_TYPE: 'kafka',
      SINK_KAFKA_BROKERS: kafkaBootstrap(),
      ...sink,
    }),
  );
  return file;
}

const jsonSink = (topic: string): Record<string, string> => ({ SINK_KAFKA_TOPIC: topic, SINK_KAFKA_DATA_TYPE: 'JSON' });

/** How many records the topic holds (sum of end offsets): proves nothing beyond what was consumed was written. */
async function topicSize(topic: string): Promise<number> {
  const admin = kafkaClient('dirk-test-offsets').admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

const json = (r: ConsumedMessage): unknown => JSON.parse(r.value!.toString('utf8'));
const byOrder = (a: unknown, b: unknown): number => String((a as { order_number: string }).order_number).localeCompare(String((b as { order_number: string }).order_number));

describe('SQL end to end through the real broker', () => {
  it('interval join of a booking topic and a payment topic', async () => {
    const [bookings, payments, output] = [uniqueTopic('it-e2e-bookings'), uniqueTopic('it-e2e-payments'), uniqueTopic('it-e2e-joined')];
    await createTopics([bookings, payments, output], 1);
    await produce(bookings, [booking('b1', 'GO_RIDE', T0 + 1_000, 10), booking('b2', 'GO_FOOD', T0 + 10_000, 20), booking('b3', 'GO_SEND', T0 + 20_000, 30)]);
    await produce(payments, [
      payment('b1', T0 + 61_000, 10, 'CARD'), // 1 min after b1: joins
      payment('b2', T0 + 10_000 + 301_000, 20, 'CASH'), // 5 min 1 s after b2: outside the bound
      payment('b3', T0 + 20_000, 30, 'WALLET'), // same instant as b3: joins (bounds are inclusive)
      payment('zz', T0 + 30_000, 1, 'CARD'), // no booking
    ]);
    const query =
      'SELECT b.order_number, b.service_type, b.order_amount, p.amount AS paid, p.method FROM booking b JOIN payment p ' +
      "ON b.order_number = p.order_id AND p.rowtime BETWEEN b.rowtime AND b.rowtime + INTERVAL '5' MINUTE";
    const job = writeJob(
      'join',
      [stream('booking', 'dirk.examples.BookingLogMessage', 5, bookings), stream('payment', 'dirk.examples.PaymentLogMessage', 4, payments)],
      query,
      jsonSink(output),
    );
    const cli = startCli(['run', job]);
    try {
      const rows = (await consumeN(output, 2, 30_000)).map(json).sort(byOrder);
      expect(rows).toEqual([
        { order_number: 'b1', service_type: 'GO_RIDE', order_amount: 10, paid: 10, method: 'CARD' },
        { order_number: 'b3', service_type: 'GO_SEND', order_amount: 30, paid: 30, method: 'WALLET' },
      ]);
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
    expect(await topicSize(output)).toBe(2);
  });

  it('deduplication keeping the first row per key (by event time), emitted when the watermark passes it', async () => {
    const [input, output] = [uniqueTopic('it-e2e-dedup-in'), uniqueTopic('it-e2e-dedup-out')];
    await createTopics([input, output], 1);
    await produce(input, [
      booking('o1', 'GO_RIDE', T0 + 1_000, 10),
      booking('o1', 'GO_FOOD', T0 + 2_000, 11), // a later duplicate: dropped
      booking('o2', 'GO_SEND', T0 + 3_000, 12),
      booking('o2', 'GO_CAR', T0 + 2_500, 13), // arrives later but happened earlier: it is the first
      booking('o3', 'GO_RIDE', T0 + 100_000, 14), // moves the watermark past the others; itself still held
    ]);
    const query =
      'SELECT order_number, service_type, order_amount FROM (' +
      'SELECT order_number, service_type, order_amount, ROW_NUMBER() OVER (PARTITION BY order_number ORDER BY rowtime ASC) AS rn FROM booking' +
      ') WHERE rn = 1';
    const cli = startCli(['run', writeJob('dedup', [stream('booking', 'dirk.examples.BookingLogMessage', 5, input)], query, jsonSink(output))]);
    try {
      const rows = (await consumeN(output, 2, 30_000)).map(json).sort(byOrder);
      expect(rows).toEqual([
        { order_number: 'o1', service_type: 'GO_RIDE', order_amount: 10 },
        { order_number: 'o2', service_type: 'GO_CAR', order_amount: 13 },
      ]);
      // A duplicate of an emitted key, after the fact, changes nothing.
      await produce(input, [booking('o1', 'GO_SEND', T0 + 100_500, 99), booking('o4', 'GO_RIDE', T0 + 200_000, 1)]);
      const [third] = await consumeN(output, 3, 30_000).then((r) => r.slice(2));
      expect(json(third!)).toEqual({ order_number: 'o3', service_type: 'GO_RIDE', order_amount: 14 });
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
    expect(await topicSize(output)).toBe(3);
  });

  it('an updating GROUP BY as upserts with a protobuf key; a group emptied by a retraction becomes a tombstone', async () => {
    const [input, output] = [uniqueTopic('it-e2e-upsert-in'), uniqueTopic('it-e2e-upsert-out')];
    await createTopics([input, output], 1);
    // The latest state of each order (dedup keeping the last row), counted per service type: when order o1
    // moves from GO_FOOD to GO_RIDE, GO_FOOD's count is retracted to zero and its row deleted.
    const query =
      'SELECT service_type AS tag_service_type, COUNT(*) AS number_of_bookings, SUM(order_amount) AS total_amount FROM (' +
      'SELECT order_number, service_type, order_amount, ROW_NUMBER() OVER (PARTITION BY order_number ORDER BY rowtime DESC) AS rn FROM booking' +
      ') WHERE rn = 1 GROUP BY service_type';
    const sink = {
      SINK_KAFKA_TOPIC: output,
      SINK_KAFKA_DATA_TYPE: 'PROTO',
      SINK_KAFKA_PROTO_MESSAGE: 'dirk.examples.BookingCountMessage',
      SINK_KAFKA_PROTO_KEY: 'dirk.examples.BookingCountKey',
    };
    await produce(input, [booking('o1', 'GO_FOOD', T0 + 1_000, 10), booking('o2', 'GO_RIDE', T0 + 2_000, 5)]);
    const cli = startCli(['run', writeJob('upsert', [stream('booking', 'dirk.examples.BookingLogMessage', 5, input)], query, sink)]);
    try {
      const decode = (r: ConsumedMessage) => ({
        key: CountKey.toObject(CountKey.decode(r.key!)),
        value: r.value === null ? null : Count.toObject(Count.decode(r.value), { longs: String }),
      });
      const first = (await consumeN(output, 2, 30_000)).map(decode);
      expect(first).toEqual([
        { key: { tag_service_type: 'GO_FOOD' }, value: { tag_service_type: 'GO_FOOD', number_of_bookings: '1', total_amount: 10 } },
        { key: { tag_service_type: 'GO_RIDE' }, value: { tag_service_type: 'GO_RIDE', number_of_bookings: '1', total_amount: 5 } },
      ]);
      // A separate batch: o1 is now a GO_RIDE booking.
      await produce(input, [booking('o1', 'GO_RIDE', T0 + 3_000, 12)]);
      const all = await consumeN(output, 4, 30_000);
      const next = all.slice(2);
      expect(next.map((r) => r.value === null)).toEqual([true, false]);
      expect(next.map(decode)).toEqual([
        { key: { tag_service_type: 'GO_FOOD' }, value: null },
        { key: { tag_service_type: 'GO_RIDE' }, value: { tag_service_type: 'GO_RIDE', number_of_bookings: '2', total_amount: 17 } },
      ]);
    } finally {
      const status = await cli.stop('SIGTERM', 20_000);
      expect(status.code, cli.stderr()).toBe(0);
    }
    expect(await topicSize(output)).toBe(4);
  });
});
