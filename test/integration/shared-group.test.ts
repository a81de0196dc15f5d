/**
 * Streams of one job sharing a consumer group id (as Dagger's docs configure multi-stream jobs) each read
 * all of their own topic, bounded and unbounded, and two instances of such a job still split the work.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Row } from '../../src/core/types.js';
import type { Source } from '../../src/core/connector.js';
import { createKafkaSource } from '../../src/connectors/kafka/kafka-source.js';
import type { RowDecoder } from '../../src/connectors/shared/codec.js';
import { createTelemetry } from '../../src/telemetry/index.js';
import { closeKafkaHelpers, createTopics, kafkaBootstrap, produce, uniqueTopic } from '../helpers/kafka.js';

afterAll(closeKafkaHelpers);

const decoder: RowDecoder = {
  decode(bytes) {
    try {
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as Row;
    } catch {
      throw new DecodeError('not JSON');
    }
  },
};

const FAST_GROUP = { sessionTimeout: 6000, rebalanceTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 };

function source(table: string, topic: string, groupId: string, bounded: boolean): Source {
  return createKafkaSource({
    table,
    topicPattern: topic,
    brokers: [kafkaBootstrap()],
    groupId,
    autoOffsetReset: 'earliest',
    clientId: `dirk-test-${table}`,
    decoder,
    badRecords: { mode: 'FAIL' },
    logger: silentLogger,
    bounded,
    consumerConfig: FAST_GROUP,
  });
}

async function fill(topic: string, partitions: number, perPartition: number): Promise<void> {
  for (let p = 0; p < partitions; p++) {
    await produce(topic, Array.from({ length: perPartition }, (_, i) => ({ value: JSON.stringify([topic, p, i]), partition: p })));
  }
}

function reader(src: Source, into: Row[]): Promise<void> {
  const telemetry = createTelemetry({ jobId: 'shared-group' });
  return src.run({ logger: silentLogger, metrics: telemetry.sourceMetrics(src.table), deliver: async (b) => void into.push(...b.rows) });
}

async function until(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.concurrent('streams sharing a consumer group id', () => {
  it('three bounded streams in one group id each read all of their topic and finish', async () => {
    const topics = ['orders', 'bids', 'people'].map((t) => uniqueTopic(`shared-b-${t}`));
    await createTopics(topics, 3);
    for (const t of topics) await fill(t, 3, 40);
    const group = `g-${topics[0]}`;
    const rows = topics.map(() => [] as Row[]);
    await Promise.all(topics.map((t, i) => reader(source(`t${i}`, t, group, true), rows[i]!)));
    rows.forEach((r, i) => {
      expect(r.length).toBe(120);
      expect(new Set(r.map((x) => x[0]))).toEqual(new Set([topics[i]]));
    });
  });

  it('two instances of a job with two unbounded streams in one group id split the partitions and read everything once', async () => {
    const topics = ['orders', 'bids'].map((t) => uniqueTopic(`shared-u-${t}`));
    await createTopics(topics, 4);
    for (const t of topics) await fill(t, 4, 25);
    const group = `g-${topics[0]}`;
    const instances = [0, 1].map(() => topics.map(() => [] as Row[]));
    const sources = instances.map((inst) => topics.map((t, i) => ({ src: source(`t${i}`, t, group, false), rows: inst[i]! })));
    const runs = sources.flat().map((s) => reader(s.src, s.rows));
    try {
      const total = (): number => instances.flat().reduce((n, r) => n + r.length, 0);
      await until(() => total() >= 200, 45_000, () => `read ${total()} of 200`);
      // Let a rebalance settle, then check nothing was read twice and each stream read only its own topic.
      await new Promise((r) => setTimeout(r, 1500));
      topics.forEach((t, i) => {
        const all = instances.flatMap((inst) => inst[i]!);
        expect(all.every((x) => x[0] === t)).toBe(true);
        expect(new Set(all.map((x) => `${x[1]}:${x[2]}`)).size).toBe(100);
      });
      // Both instances got work (partitions split between them).
      expect(instances.every((inst) => inst.some((r) => r.length > 0))).toBe(true);
    } finally {
      await Promise.all(sources.flat().map((s) => s.src.stop()));
      await Promise.all(sources.flat().map((s) => s.src.close?.()));
      await Promise.allSettled(runs);
    }
  });
});
