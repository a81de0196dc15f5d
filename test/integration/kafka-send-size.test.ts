/**
 * Size-bounded sends on the real broker: backlogs larger than a topic's max.message.bytes are delivered in
 * full, a row too large for its topic follows SINK_KAFKA_ERROR_POLICY, a burst of bad records reaches its
 * dead-letter topic, and missing topics are reported (or created) at start.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DecodeError, DirkError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Row } from '../../src/core/types.js';
import type { RowEncoder } from '../../src/schema/index.js';
import { createKafkaSink } from '../../src/connectors/kafka/kafka-sink.js';
import { createKafkaSource } from '../../src/connectors/kafka/kafka-source.js';
import type { RowDecoder } from '../../src/connectors/shared/codec.js';
import { SinkRecordError } from '../../src/connectors/kafka/oversized-records.js';
import { createTelemetry } from '../../src/telemetry/index.js';
import { closeKafkaHelpers, consumeN, createTopics, kafkaBootstrap, kafkaClient, produce, uniqueTopic } from '../helpers/kafka.js';

afterAll(closeKafkaHelpers);

const jsonValue: RowEncoder = { encode: (row: Row) => Buffer.from(JSON.stringify(row)) };
const keyOf = (i: number): RowEncoder => ({ encode: (row: Row) => Buffer.from(String(row[i])) });

/** A topic with a given max.message.bytes (replication 1). */
async function createLimitedTopic(topic: string, maxMessageBytes: number, partitions = 1): Promise<void> {
  const admin = kafkaClient('dirk-test-limited').admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries: [{ name: 'max.message.bytes', value: String(maxMessageBytes) }] }],
    });
  } finally {
    await admin.disconnect();
  }
}

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe.concurrent('size-bounded Kafka sends', () => {
  it('delivers a 40,000-row backlog (about 2.8 MB in one flush) to a topic with the 1 MB default', async () => {
    const topic = uniqueTopic('size-backlog');
    // One partition: the whole backlog would be one record batch of about 2.8 MB.
    await createTopics([topic], 1);
    const telemetry = createTelemetry({ jobId: 'size-backlog' });
    // sendBatchRecords above the backlog: everything reaches one flush, as after an outage or a restart.
    const sink = createKafkaSink({ brokers: [kafkaBootstrap()], topic, valueEncoder: jsonValue, logger: silentLogger, metrics: telemetry.sinkMetrics('kafka'), sendBatchRecords: 100_000 });
    await sink.open();
    const rows: Row[] = Array.from({ length: 40_000 }, (_, i) => [i, `booking-${String(i).padStart(8, '0')}`, 'GO_RIDE_SERVICE_AREA_JAKARTA', 12.5]);
    sink.write({ kind: 'data', rows });
    await sink.flush();
    await sink.close();
    const got = await consumeN(topic, 40_000, 60_000);
    const ids = new Set(got.map((m) => (JSON.parse(m.value!.toString()) as number[])[0]));
    expect(ids.size).toBe(40_000);
    expect(await telemetry.metrics()).toContain('dirk_sink_records_total{sink="kafka",job="size-backlog"} 40000');
  });

  it('delivers one window firing 30,000 keys (upserts, about 3.5 MB) in order per key', async () => {
    const topic = uniqueTopic('size-window');
    await createTopics([topic], 2);
    const sink = createKafkaSink({ brokers: [kafkaBootstrap()], topic, valueEncoder: jsonValue, keyEncoder: keyOf(0), logger: silentLogger });
    await sink.open();
    const rows: Row[] = Array.from({ length: 30_000 }, (_, i) => [`customer-${i}`, i, 'window 2024-01-01T00:00:00Z .. 2024-01-01T00:01:00Z', i * 0.5]);
    sink.write({ kind: 'data', rows });
    await sink.flush();
    await sink.close();
    const got = await consumeN(topic, 30_000, 60_000);
    expect(new Set(got.map((m) => m.key!.toString())).size).toBe(30_000);
  });

  it('FAIL: a 20 kB row into a 10 kB topic stops the write, naming its size, the limit and its input', async () => {
    const topic = uniqueTopic('size-fail');
    await createLimitedTopic(topic, 10_240);
    const sink = createKafkaSink({
      brokers: [kafkaBootstrap()],
      topic,
      valueEncoder: jsonValue,
      logger: silentLogger,
      origin: () => ({ table: 'bookings', split: 'bookings-in:2', firstOffset: '41', lastOffset: '41' }),
    });
    await sink.open();
    const err = await rejection(() => sink.write({ kind: 'data', rows: [[1, 'x'.repeat(20_000)]] }));
    expect(err).toBeInstanceOf(SinkRecordError);
    expect((err as DirkError).domain).toBe('user');
    expect((err as Error).message).toMatch(/a row encodes to a record of 200\d\d bytes, more than topic size-fail-\S+ accepts \(max\.message\.bytes=10240/);
    expect((err as Error).message).toContain('produced from table bookings, topic bookings-in partition 2, offset 41');
    expect((err as Error).message).toContain('SINK_KAFKA_ERROR_POLICY=FAIL');
    await sink.close();
  });

  it('SKIP: the 20 kB row is counted and the rows around it are delivered', async () => {
    const topic = uniqueTopic('size-skip');
    await createLimitedTopic(topic, 10_240);
    const telemetry = createTelemetry({ jobId: 'size-skip' });
    const sink = createKafkaSink({
      brokers: [kafkaBootstrap()],
      topic,
      valueEncoder: jsonValue,
      logger: silentLogger,
      errorPolicy: { mode: 'SKIP' },
      ...telemetry.sinkRecordsRouted('kafka'),
    });
    await sink.open();
    sink.write({ kind: 'data', rows: [[1, 'small'], [2, 'x'.repeat(20_000)], [3, 'small']] });
    await sink.flush();
    await sink.close();
    const got = await consumeN(topic, 2, 20_000);
    expect(got.map((m) => (JSON.parse(m.value!.toString()) as unknown[])[0])).toEqual([1, 3]);
    expect(await telemetry.metrics()).toContain('dirk_sink_records_skipped_total{sink="kafka",job="size-skip"} 1');
  });

  it('DEAD_LETTER: the 20 kB row goes to the dead-letter topic with its input reference', async () => {
    const topic = uniqueTopic('size-dl');
    const dlq = uniqueTopic('size-dl-dlq');
    await createLimitedTopic(topic, 10_240);
    await createTopics([dlq], 1);
    const telemetry = createTelemetry({ jobId: 'size-dl' });
    const big = 'x'.repeat(20_000);
    const sink = createKafkaSink({
      brokers: [kafkaBootstrap()],
      topic,
      valueEncoder: jsonValue,
      keyEncoder: keyOf(0),
      logger: silentLogger,
      errorPolicy: { mode: 'DEAD_LETTER', deadLetterTopic: dlq },
      origin: () => ({ table: 'bookings', split: 'bookings-in:0', firstOffset: '7', lastOffset: '9' }),
      ...telemetry.sinkRecordsRouted('kafka'),
    });
    await sink.open();
    sink.write({ kind: 'data', rows: [['a', 'small'], ['b', big], ['c', 'small']] });
    await sink.flush();
    await sink.close();
    expect((await consumeN(topic, 2, 20_000)).map((m) => m.key!.toString())).toEqual(['a', 'c']);
    const [dead] = await consumeN(dlq, 1, 20_000);
    expect(dead!.key!.toString()).toBe('b');
    expect(dead!.value!.toString()).toBe(JSON.stringify(['b', big]));
    const h = Object.fromEntries(Object.entries(dead!.headers).map(([k, v]) => [k, String(v)]));
    expect(h).toMatchObject({
      'dirk-sink-topic': topic,
      'dirk-source-table': 'bookings',
      'dirk-source-topic': 'bookings-in',
      'dirk-source-partition': '0',
      'dirk-source-offset': '7..9',
    });
    expect(Number(h['dirk-record-bytes'])).toBeGreaterThan(20_000);
    expect(await telemetry.metrics()).toContain('dirk_sink_records_dead_lettered_total{sink="kafka",job="size-dl"} 1');
  });

  it('a missing sink topic fails open() at once naming the topic; SINK_KAFKA_CREATE_TOPIC creates it', async () => {
    const topic = uniqueTopic('size-missing');
    const started = Date.now();
    const missing = createKafkaSink({ brokers: [kafkaBootstrap()], topic, valueEncoder: jsonValue, logger: silentLogger });
    const err = await rejection(missing.open());
    await missing.close();
    expect((err as DirkError).domain).toBe('user');
    expect((err as Error).message).toContain(`kafka sink kafka: topic ${topic} does not exist; create it, or set SINK_KAFKA_CREATE_TOPIC=true`);
    // Reported at start (a few looks for a just-created topic), not after a minute of send retries.
    expect(Date.now() - started).toBeLessThan(30_000);

    const created = createKafkaSink({ brokers: [kafkaBootstrap()], topic, valueEncoder: jsonValue, logger: silentLogger, createTopic: { partitions: 3, replicationFactor: 1 } });
    await created.open();
    created.write({ kind: 'data', rows: [[1]] });
    await created.flush();
    await created.close();
    expect((await consumeN(topic, 1, 20_000)).length).toBe(1);
    const admin = kafkaClient('dirk-test-meta').admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(meta.topics[0]!.partitions.length).toBe(3);
  });

  it('a burst of 2,000 bad records of 1 kB (2 MB) reaches the dead-letter topic in full', async () => {
    const input = uniqueTopic('size-badburst-in');
    const dlq = uniqueTopic('size-badburst-dlq');
    await createTopics([input, dlq], 1);
    const bad = Array.from({ length: 2000 }, (_, i) => ({ key: `k${i}`, value: `not json ${i} ${'#'.repeat(1000)}` }));
    for (let i = 0; i < bad.length; i += 500) await produce(input, bad.slice(i, i + 500));
    await produce(input, [{ value: '[1]' }]);
    const decoder: RowDecoder = {
      decode(bytes) {
        try {
          return JSON.parse(Buffer.from(bytes).toString('utf8')) as Row;
        } catch {
          throw new DecodeError('not JSON');
        }
      },
    };
    const telemetry = createTelemetry({ jobId: 'size-badburst' });
    const rows: Row[] = [];
    const src = createKafkaSource({
      table: 'events',
      topicPattern: input,
      brokers: [kafkaBootstrap()],
      groupId: `g-${input}`,
      autoOffsetReset: 'earliest',
      clientId: 'dirk-test-badburst',
      decoder,
      badRecords: { mode: 'DEAD_LETTER', deadLetterTopic: dlq },
      logger: silentLogger,
      bounded: true,
      // One fetch holds the whole burst, so the dead letters leave in one call.
      largeMessage: true,
      consumerConfig: { sessionTimeout: 6000, rebalanceTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 },
    });
    await src.run({ logger: silentLogger, metrics: telemetry.sourceMetrics('events'), deliver: async (b) => void rows.push(...b.rows) });
    expect(rows).toEqual([[1]]);
    const dead = await consumeN(dlq, 2000, 60_000);
    expect(dead.map((m) => m.key!.toString())).toEqual(bad.map((b) => b.key));
    expect(await telemetry.metrics()).toContain('dirk_source_bad_records_dead_lettered_total{table="events",job="size-badburst"} 2000');
  });
});
