// Helpers for integration tests against the local broker that test/setup/global-setup.ts provides.
// Each test should use its own topics (uniqueTopic) since test files run in parallel on one broker.

import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { Admin, IHeaders, Kafka as KafkaClient, Producer, RecordMetadata } from 'kafkajs';
import { inject } from 'vitest';
import { KAFKA_BOOTSTRAP } from '../setup/services.js';

const { Kafka, Partitioners, logLevel } = kafkajs;

export interface ProduceMessage {
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Readonly<Record<string, Buffer | string>>;
  readonly partition?: number;
  /** Epoch ms; the broker sets it when absent. */
  readonly timestamp?: number;
}

export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are int64; test topics stay far below 2^53, so a number is exact here. */
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Header values as sent; a header key repeated in one record yields an array. */
  readonly headers: Readonly<Record<string, Buffer | Buffer[]>>;
}

export interface ConsumeOptions {
  /** Defaults to a fresh unique group, so every call reads the topic from the start. */
  readonly groupId?: string;
  readonly fromBeginning?: boolean;
}

/** Bootstrap servers of the test broker ("127.0.0.1:9092"). */
export function kafkaBootstrap(): string {
  try {
    return inject('kafkaBootstrap');
  } catch {
    return process.env['DIRK_TEST_KAFKA_BOOTSTRAP'] || KAFKA_BOOTSTRAP;
  }
}

let client: KafkaClient | undefined;
let admin: Promise<Admin> | undefined;
let producer: Promise<Producer> | undefined;

/** A kafkajs client for the test broker with quiet logging (errors only). */
export function kafkaClient(clientId = 'dirk-test'): KafkaClient {
  if (clientId !== 'dirk-test') {
    return new Kafka({ clientId, brokers: [kafkaBootstrap()], logLevel: logLevel.ERROR });
  }
  client ??= new Kafka({ clientId, brokers: [kafkaBootstrap()], logLevel: logLevel.ERROR });
  return client;
}

function sharedAdmin(): Promise<Admin> {
  admin ??= (async () => {
    const a = kafkaClient().admin();
    await a.connect();
    return a;
  })();
  return admin;
}

function sharedProducer(): Promise<Producer> {
  producer ??= (async () => {
    const p = kafkaClient().producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await p.connect();
    return p;
  })();
  return producer;
}

/** A topic name no other test uses: `<prefix>-<time>-<random>`. */
export function uniqueTopic(prefix: string): string {
  const safe = prefix.replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 100) || 'topic';
  return `${safe}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Creates the topics (replication 1) and waits until each partition has a leader. */
export async function createTopics(names: readonly string[], partitions = 1): Promise<void> {
  const a = await sharedAdmin();
  try {
    await a.createTopics({
      // Kept whatever their timestamps: tests write event times from early 2026 as record timestamps, and the
      // broker's time retention (log.retention.hours=24, checked every 5 minutes) otherwise deletes them at
      // a random moment mid-test, whereupon a consumer taking a partition over finds its committed offset
      // below the log start and kafkajs skips to the end (the scaled-out joins' survivors-only kill stalled so).
      topics: names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] })),
      waitForLeaders: true,
    });
  } catch (e) {
    // kafkajs's wait for leaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a busy (or fresh) broker's
    // metadata may still answer just after the topics were created: wait for the leaders here instead.
    const err = e as { type?: string; originalError?: { type?: string } };
    if (err.type !== 'UNKNOWN_TOPIC_OR_PARTITION' && err.originalError?.type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw e;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = await a
        .fetchTopicMetadata({ topics: [...names] })
        .then((m) => m.topics.every((t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0)))
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function deleteTopics(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const a = await sharedAdmin();
  await a.deleteTopics({ topics: [...names] });
}

/** Sends the messages with acks=all, in order, and returns the broker's metadata (partition, base offset). */
export async function produce(topic: string, messages: readonly ProduceMessage[]): Promise<RecordMetadata[]> {
  const p = await sharedProducer();
  return p.send({
    topic,
    acks: -1,
    messages: messages.map((m) => {
      const msg: { key?: Buffer | string | null; value: Buffer | string | null; headers?: IHeaders; partition?: number; timestamp?: string } = {
        value: m.value,
      };
      if (m.key !== undefined) msg.key = m.key;
      if (m.headers !== undefined) msg.headers = { ...m.headers };
      if (m.partition !== undefined) msg.partition = m.partition;
      if (m.timestamp !== undefined) msg.timestamp = String(m.timestamp);
      return msg;
    }),
  });
}

function toHeaders(headers: IHeaders | undefined): Record<string, Buffer | Buffer[]> {
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const asBuf = (x: Buffer | string): Buffer => (typeof x === 'string' ? Buffer.from(x) : x);
    out[k] = Array.isArray(v) ? v.map(asBuf) : asBuf(v);
  }
  return out;
}

/**
 * Reads exactly n messages from the topic with a consumer of its own (unique group, from the beginning),
 * in arrival order (per-partition order is Kafka's; across partitions it is not defined).
 * Rejects after timeoutMs with how many arrived. Extra messages in the same fetch are not returned.
 */
export async function consumeN(
  topic: string,
  n: number,
  timeoutMs = 30_000,
  options: ConsumeOptions = {},
): Promise<ConsumedMessage[]> {
  const groupId = options.groupId ?? `dirk-test-${randomBytes(6).toString('hex')}`;
  const consumer = kafkaClient().consumer({
    groupId,
    sessionTimeout: 6000,
    rebalanceTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
  });
  const got: ConsumedMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: options.fromBeginning ?? true });
    await new Promise<void>((resolve, reject) => {
      if (n <= 0) {
        resolve();
        return;
      }
      timer = setTimeout(() => {
        reject(new Error(`consumeN(${topic}): got ${got.length} of ${n} messages within ${timeoutMs} ms`));
      }, timeoutMs);
      consumer
        .run({
          eachMessage: async ({ topic: t, partition, message }) => {
            if (got.length >= n) return;
            got.push({
              topic: t,
              partition,
              offset: Number(message.offset),
              timestamp: Number(message.timestamp),
              key: message.key,
              value: message.value,
              headers: toHeaders(message.headers),
            });
            if (got.length === n) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    await consumer.disconnect().catch(() => {});
  }
  return got;
}

/** Committed offsets of a group for a topic, per partition (-1 when nothing is committed). */
export async function committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
  const a = await sharedAdmin();
  const res = await a.fetchOffsets({ groupId, topics: [topic] });
  const out = new Map<number, number>();
  for (const t of res) for (const p of t.partitions) out.set(p.partition, Number(p.offset));
  return out;
}

/** The end (high-water) offset of every partition of a topic. */
export async function endOffsets(topic: string): Promise<Map<number, number>> {
  const a = await sharedAdmin();
  const out = new Map<number, number>();
  for (const p of await a.fetchTopicOffsets(topic)) out.set(p.partition, Number(p.high));
  return out;
}

/**
 * Sets a group's committed offsets (partition -> offset). Kafka accepts this only while the group has no
 * members, so it retries until a member that died has timed out of the group (or timeoutMs passes).
 */
export async function setCommittedOffsets(groupId: string, topic: string, offsets: ReadonlyMap<number, number>, timeoutMs = 15_000): Promise<void> {
  const a = await sharedAdmin();
  const partitions = [...offsets].map(([partition, offset]) => ({ partition, offset: String(offset) }));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await a.setOffsets({ groupId, topic, partitions });
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Disconnects the shared admin and producer (call from afterAll in files that used them). */
export async function closeKafkaHelpers(): Promise<void> {
  const [a, p] = [admin, producer];
  admin = undefined;
  producer = undefined;
  await Promise.all([
    a?.then((x) => x.disconnect()).catch(() => {}),
    p?.then((x) => x.disconnect()).catch(() => {}),
  ]);
}
