// Proves the local broker from scripts/kafka.mjs behaves like Kafka for what Dirk relies on:
// partitioned topics, exact record round trips, consumer-group commits, and transactions.

import kafkajs from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closeKafkaHelpers,
  committedOffsets,
  consumeN,
  createTopics,
  deleteTopics,
  kafkaBootstrap,
  kafkaClient,
  produce,
  uniqueTopic,
} from '../helpers/kafka.js';

const { Kafka, Partitioners, logLevel } = kafkajs;
const created: string[] = [];

async function newTopic(prefix: string, partitions: number): Promise<string> {
  const topic = uniqueTopic(prefix);
  await createTopics([topic], partitions);
  created.push(topic);
  return topic;
}

afterAll(async () => {
  await deleteTopics(created).catch(() => {});
  await closeKafkaHelpers();
});

describe('local Kafka broker', () => {
  it('is the KRaft broker on 127.0.0.1:9092', async () => {
    expect(kafkaBootstrap()).toBe('127.0.0.1:9092');
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toEqual([expect.objectContaining({ nodeId: 1, host: '127.0.0.1', port: 9092 })]);
      expect(cluster.controller).toBe(1);
    } finally {
      await admin.disconnect();
    }
  });

  it('creates a topic with 3 partitions and returns the exact records per partition', async () => {
    const topic = await newTopic('broker-roundtrip', 3);
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0]?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    } finally {
      await admin.disconnect();
    }

    const binary = Buffer.from([0, 1, 2, 255, 254, 0x80]);
    const sent = [
      { partition: 0, key: 'a', value: 'first', headers: { trace: 'x1' } },
      { partition: 1, key: 'b', value: binary, headers: { trace: 'x2', kind: Buffer.from([7]) } },
      { partition: 2, key: null, value: '{"n":3}' },
      { partition: 0, key: 'a', value: 'second', timestamp: 1_700_000_000_123 },
      { partition: 2, value: '' },
      { partition: 1, key: 'c', value: null },
    ];
    const metadata = await produce(topic, sent);
    expect(metadata.every((m) => m.errorCode === 0)).toBe(true);

    const got = await consumeN(topic, sent.length, 20_000);
    const byPartition = (p: number) => got.filter((m) => m.partition === p).sort((x, y) => x.offset - y.offset);

    const p0 = byPartition(0);
    expect(p0.map((m) => [m.offset, m.key?.toString(), m.value?.toString()])).toEqual([
      [0, 'a', 'first'],
      [1, 'a', 'second'],
    ]);
    expect(p0[0]?.headers['trace']?.toString()).toBe('x1');
    expect(p0[1]?.timestamp).toBe(1_700_000_000_123);

    const p1 = byPartition(1);
    expect(p1.map((m) => m.offset)).toEqual([0, 1]);
    expect(Buffer.compare(p1[0]?.value ?? Buffer.alloc(0), binary)).toBe(0);
    expect(p1[0]?.headers['kind']).toEqual(Buffer.from([7]));
    expect(p1[1]?.key?.toString()).toBe('c');
    expect(p1[1]?.value).toBeNull(); // a tombstone stays null, not ''

    const p2 = byPartition(2);
    expect(p2.map((m) => [m.key, m.value?.toString()])).toEqual([
      [null, '{"n":3}'],
      [null, ''],
    ]);
  });

  it('commits consumer-group offsets and resumes a group after them', async () => {
    const topic = await newTopic('broker-group', 1);
    const groupId = `dirk-test-group-${topic}`;
    await produce(topic, ['m0', 'm1', 'm2', 'm3'].map((value) => ({ value })));

    // First member reads two records and commits "next offset to read" = 2.
    const consumer = kafkaClient().consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const firstRead: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('first member read nothing in 20 s')), 20_000);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ message, partition }) => {
            if (firstRead.length >= 2) return;
            firstRead.push(message.value?.toString() ?? '');
            if (firstRead.length === 2) {
              await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(firstRead).toEqual(['m0', 'm1']);
    expect(await committedOffsets(groupId, topic)).toEqual(new Map([[0, 2]]));

    // A new member of the same group starts at the committed offset, not at the beginning.
    const rest = await consumeN(topic, 2, 20_000, { groupId });
    expect(rest.map((m) => [m.offset, m.value?.toString()])).toEqual([
      [2, 'm2'],
      [3, 'm3'],
    ]);
  });

  it('supports transactions: a read_committed consumer skips aborted records', async () => {
    const topic = await newTopic('broker-txn', 1);
    // Own client with logging off: after an abort the broker answers CONCURRENT_TRANSACTIONS until the
    // markers are written, which kafkajs retries but logs as an error.
    const quiet = new Kafka({ clientId: 'dirk-test-txn', brokers: [kafkaBootstrap()], logLevel: logLevel.NOTHING });
    const producer = quiet.producer({
      transactionalId: `dirk-test-txn-${topic}`,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
      await aborted.abort();
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: 'ok-1' }, { value: 'ok-2' }] });
      await committed.commit();
    } finally {
      await producer.disconnect();
    }
    // Aborted records come first in the log, so if they were visible they would be what we read.
    const got = await consumeN(topic, 2, 20_000);
    expect(got.map((m) => m.value?.toString())).toEqual(['ok-1', 'ok-2']);
    // Offsets 0-1 are the aborted pair and 2 its abort marker.
    expect(got[0]?.offset).toBeGreaterThanOrEqual(3);
  });
});
