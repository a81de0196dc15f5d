/**
 * Compressed topics end to end on the real broker, per codec: a topic written by Apache Kafka's Java
 * producer with compression.type=<codec> (as Java services and Dagger write them) is read by a Dirk job
 * exactly; the job's Kafka sink writes with SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE=<codec>, and its
 * source dead letters with SOURCE_DEAD_LETTER_COMPRESSION_TYPE=<codec>; the Java consumer reads both back
 * exactly, and the batches on the topic carry the codec (counted by kafkajs's codec table while reading).
 * SINK_KAFKA_PRODUCE_LARGE_MESSAGE_ENABLE alone makes the sink write snappy, as Dagger's.
 *
 * Sequential on purpose: the codec counts are per process.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import kafkajs from '../../src/connectors/kafka/kafkajs.js';
import { CODEC_IDS, type CompressionType } from '../../src/connectors/kafka/compression.js';
import { parseJobConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { prepareJob } from '../../src/job/prepare.js';
import { startJob } from '../../src/job/stream-manager.js';
import { closeKafkaHelpers, consumeN, createTopics, endOffsets, kafkaBootstrap, uniqueTopic } from '../helpers/kafka.js';
import { javaProduce, javaRead } from '../helpers/kafka-java.js';

afterAll(closeKafkaHelpers);

const N = 3000;
const BAD = ['not json {', '[1,2', '{"id": "x"'];
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

/** Batches decompressed per codec id since the last reset (kafkajs looks a codec up once per batch). */
const decoded = new Map<number, number>();
const codecs = kafkajs.CompressionCodecs as unknown as Record<number, () => unknown>;
for (const id of [1, 2, 3, 4]) {
  const original = codecs[id]!;
  codecs[id] = () => {
    decoded.set(id, (decoded.get(id) ?? 0) + 1);
    return original();
  };
}

function input(): Array<{ key: Buffer | null; value: Buffer }> {
  const good = Array.from({ length: N }, (_, i) => ({
    key: i % 5 === 0 ? null : Buffer.from(`k${i % 40}`),
    value: Buffer.from(JSON.stringify({ id: i, name: `name-${i} ${'x'.repeat(i % 70)}`, ts: new Date(T0 + i * 10).toISOString() })),
  }));
  // Undecodable records among them, for the dead-letter topic.
  for (const [j, b] of BAD.entries()) good.splice(500 * (j + 1), 0, { key: null, value: Buffer.from(b) });
  return good;
}

const expectedRows = (): string[] => Array.from({ length: N }, (_, i) => JSON.stringify({ id: i, name: `name-${i} ${'x'.repeat(i % 70)}` })).sort();

async function runJob(topics: { in: string; out: string; dlq: string }, sink: Record<string, string>, dlqCompression: CompressionType): Promise<() => Promise<void>> {
  const raw = {
    FLINK_JOB_ID: `it-compression-${topics.out}`,
    STREAMS: [
      {
        INPUT_SCHEMA_TABLE: 'events',
        INPUT_DATATYPE: 'JSON',
        INPUT_SCHEMA_JSON_SCHEMA: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, ts: { type: 'string', format: 'date-time' } } },
        INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME: 'ts',
        SOURCE_KAFKA_TOPIC_NAMES: topics.in,
        SOURCE_KAFKA_CONSUMER_CONFIG_BOOTSTRAP_SERVERS: kafkaBootstrap(),
        SOURCE_KAFKA_CONSUMER_CONFIG_GROUP_ID: `it-compression-${topics.in}`,
        SOURCE_KAFKA_CONSUMER_CONFIG_AUTO_OFFSET_RESET: 'earliest',
        SOURCE_DETAILS: [{ SOURCE_TYPE: 'UNBOUNDED', SOURCE_NAME: 'KAFKA_CONSUMER' }],
        SOURCE_BAD_RECORD_POLICY: 'DEAD_LETTER',
        SOURCE_DEAD_LETTER_TOPIC: topics.dlq,
        SOURCE_DEAD_LETTER_COMPRESSION_TYPE: dlqCompression,
      },
    ],
    FLINK_SQL_QUERY: 'SELECT id, name FROM events',
    FLINK_WATERMARK_DELAY_MS: '0',
    FLINK_CHECKPOINT_INTERVAL_MS: '1000',
    METRIC_TELEMETRY_ENABLE: 'false',
    SINK_TYPE: 'kafka',
    SINK_KAFKA_BROKERS: kafkaBootstrap(),
    SINK_KAFKA_TOPIC: topics.out,
    SINK_KAFKA_DATA_TYPE: 'JSON',
    ...sink,
  };
  const job = await prepareJob(parseJobConfig(raw).config, silentLogger);
  const running = await startJob(job, { logger: silentLogger, checkpointDir: mkdtempSync(join(tmpdir(), 'dirk-ckpt-compression-')) });
  return async () => {
    await running.stop();
    await running.done;
  };
}

/** Reads the topic with kafkajs and returns how many batches of each codec it decompressed. */
async function codecsOn(topic: string, n: number): Promise<Record<string, number>> {
  decoded.clear();
  const got = await consumeN(topic, n, 60_000);
  expect(got).toHaveLength(n);
  return Object.fromEntries([...decoded].filter(([, c]) => c > 0).map(([id, c]) => [(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)[id]!, c]));
}

describe('compressed topics through a Dirk job, against the Java client', () => {
  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)(
    '%s: Java-written input is read exactly; the sink and the dead letters write it, read exactly by the Java consumer',
    async (codec) => {
      const topics = { in: uniqueTopic(`it-codec-in-${codec}`), out: uniqueTopic(`it-codec-out-${codec}`), dlq: uniqueTopic(`it-codec-dlq-${codec}`) };
      await createTopics([topics.in, topics.out], 2);
      await createTopics([topics.dlq], 1);
      await javaProduce(topics.in, input(), codec);
      expect(await codecsOn(topics.in, N + BAD.length)).toEqual({ [codec]: expect.any(Number) });

      const stop = await runJob(topics, { SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE: codec }, codec);
      let out: Awaited<ReturnType<typeof javaRead>>;
      let dlq: Awaited<ReturnType<typeof javaRead>>;
      try {
        out = await javaRead(topics.out, N);
        dlq = await javaRead(topics.dlq, BAD.length);
      } finally {
        await stop();
      }
      expect(out.map((r) => r.value!.toString()).sort()).toEqual(expectedRows());
      expect(dlq.map((r) => r.value!.toString()).sort()).toEqual([...BAD].sort());
      // Nothing beyond them, and every batch of both topics carries the codec.
      expect(await codecsOn(topics.out, N)).toEqual({ [codec]: expect.any(Number) });
      expect(await codecsOn(topics.dlq, BAD.length)).toEqual({ [codec]: expect.any(Number) });
      expect([...(await endOffsets(topics.out)).values()].reduce((a, b) => a + b, 0)).toBe(N);
    },
    240_000,
  );

  it('EXACTLY_ONCE: the transactional producer writes zstd (Produce v7 through kafkajs), read committed by kafkajs and by the Java consumer', async () => {
    const topics = { in: uniqueTopic('it-codec-in-eo'), out: uniqueTopic('it-codec-out-eo'), dlq: uniqueTopic('it-codec-dlq-eo') };
    await createTopics([topics.in, topics.out, topics.dlq], 1);
    await javaProduce(topics.in, input().slice(0, 400), 'none');
    const stop = await runJob(topics, { SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE: 'zstd', SINK_KAFKA_DELIVERY_GUARANTEE: 'EXACTLY_ONCE' }, 'none');
    let seen: Record<string, number>;
    let out: Awaited<ReturnType<typeof javaRead>>;
    try {
      // kafkajs reads read_committed: the rows are there once the checkpoint committed the transaction.
      seen = await codecsOn(topics.out, 400);
      out = await javaRead(topics.out, 400);
    } finally {
      await stop();
    }
    expect(seen).toEqual({ zstd: expect.any(Number) });
    expect(out.map((r) => r.value!.toString()).sort()).toEqual(expectedRows().filter((r) => (JSON.parse(r) as { id: number }).id < 400));
  }, 240_000);

  it('SINK_KAFKA_PRODUCE_LARGE_MESSAGE_ENABLE writes snappy (Dagger), read back by the Java consumer', async () => {
    const topics = { in: uniqueTopic('it-codec-in-large'), out: uniqueTopic('it-codec-out-large'), dlq: uniqueTopic('it-codec-dlq-large') };
    await createTopics([topics.in, topics.out, topics.dlq], 1);
    await javaProduce(topics.in, input().slice(0, 400), 'none');
    const stop = await runJob(topics, { SINK_KAFKA_PRODUCE_LARGE_MESSAGE_ENABLE: 'true' }, 'none');
    let out: Awaited<ReturnType<typeof javaRead>>;
    try {
      out = await javaRead(topics.out, 400);
    } finally {
      await stop();
    }
    expect(out.map((r) => r.value!.toString()).sort()).toEqual(expectedRows().filter((r) => (JSON.parse(r) as { id: number }).id < 400));
    expect(await codecsOn(topics.out, 400)).toEqual({ snappy: expect.any(Number) });
    expect(CODEC_IDS.snappy).toBe(2);
  }, 240_000);
});
