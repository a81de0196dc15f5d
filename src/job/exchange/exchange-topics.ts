/**
 * The internal topics of an exchange, checked (and created when missing) at start: the repartition topic
 * has the source's partition count (the most partitions among the topics the source pattern matches), so
 * the job spreads over as many tasks after the exchange as before it.
 */
import kafkajs from '../../connectors/kafka/kafkajs.js';
import type { Admin } from 'kafkajs';
import { externalError, userError } from '../../core/errors.js';
import { topicRegex } from '../../connectors/kafka/kafka-client.js';
import { EXCHANGE_MAX_MESSAGE_BYTES } from './exchange-writer.js';
import { CHANGELOG_MAX_MESSAGE_BYTES } from './changelog.js';

export interface ExchangeTopics {
  /** Partitions of the repartition topic. */
  readonly partitions: number;
  /** Source splits (topic partitions) the source pattern reads in all. */
  readonly sourceSplits: number;
  /** The compacted changelog topic (same partition count). */
  readonly changelog: string;
}

export async function prepareExchangeTopics(admin: Admin, sourcePattern: string, table: string, topic: string, changelog: string): Promise<ExchangeTopics> {
  const regex = topicRegex(sourcePattern);
  const all = await admin.listTopics();
  const sources = all.filter((t) => regex.test(t) && !t.startsWith('__'));
  if (sources.length === 0) throw userError(`table ${table}: no Kafka topic matches SOURCE_KAFKA_TOPIC_NAMES "${sourcePattern}" (needed to size the repartition topic ${topic})`);
  const meta = await admin.fetchTopicMetadata({ topics: sources });
  const counts = meta.topics.map((t) => t.partitions.length);
  const partitions = Math.max(...counts);
  const sourceSplits = counts.reduce((a, b) => a + b, 0);
  await ensureTopic(admin, all, topic, partitions, [{ name: 'max.message.bytes', value: String(EXCHANGE_MAX_MESSAGE_BYTES) }], 'repartition', sources);
  await ensureTopic(
    admin,
    all,
    changelog,
    partitions,
    [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'max.message.bytes', value: String(CHANGELOG_MAX_MESSAGE_BYTES) },
    ],
    'changelog',
    sources,
  );
  return { partitions, sourceSplits, changelog };
}

async function ensureTopic(
  admin: Admin,
  all: readonly string[],
  topic: string,
  partitions: number,
  configEntries: { name: string; value: string }[],
  kind: string,
  sources: readonly string[],
): Promise<void> {
  if (!all.includes(topic)) {
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: -1, configEntries }] });
    } catch (e) {
      // Another task or process of the job may have created it a moment ago (or is creating it: its leaders
      // are not known yet); the partition count is read below, with retries.
      if (!alreadyExists(e) && !/does not host this topic-partition/i.test((e as Error).message)) {
        throw externalError(`cannot create the ${kind} topic ${topic} (${partitions} partitions): ${(e as Error).message}`, { cause: e });
      }
    }
  }
  const found = await partitionCount(admin, topic);
  if (found !== partitions) {
    throw userError(
      `the ${kind} topic ${topic} has ${found} partitions, but the job's source (${sources.join(', ')}) has ${partitions}: ` +
        `the job's key placement would not match; delete the topic (and the job's checkpoints) or restore the source's partition count`,
    );
  }
}

/** kafkajs reports a create that lost the race as "Topic creation errors" with TOPIC_ALREADY_EXISTS inside. */
function alreadyExists(e: unknown): boolean {
  const nested = (e as { errors?: { type?: string; message?: string }[] }).errors ?? [];
  return /already exists/i.test((e as Error).message) || (nested.length > 0 && nested.every((x) => x.type === 'TOPIC_ALREADY_EXISTS' || /already exists/i.test(x.message ?? '')));
}

/** The topic's partition count; a topic created a moment ago (by another task) may need its leaders first. */
async function partitionCount(admin: Admin, topic: string): Promise<number> {
  const until = Date.now() + 15_000;
  for (;;) {
    try {
      return (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.length;
    } catch (e) {
      if (Date.now() > until) throw externalError(`cannot read the partitions of the internal topic ${topic}: ${(e as Error).message}`, { cause: e });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** One internal topic as `dirk topics` shows it. */
export interface InternalTopicState {
  readonly topic: string;
  readonly kind: 'repartition' | 'changelog';
  /** The source's partition count: what the topic must have. */
  readonly expected: number;
  /** Its partition count, or undefined when it does not exist yet (the job creates it at start). */
  readonly found: number | undefined;
  /** The topic configs Dirk sets, as the broker has them. */
  readonly configs: Readonly<Record<string, string>>;
}

const SHOWN_CONFIGS = ['cleanup.policy', 'max.message.bytes', 'retention.ms', 'min.insync.replicas'];

/** The internal topics' state on the broker (read only: nothing is created). */
export async function describeExchangeTopics(admin: Admin, sourcePattern: string, table: string, topic: string, changelog: string): Promise<InternalTopicState[]> {
  const regex = topicRegex(sourcePattern);
  const all = await admin.listTopics();
  const sources = all.filter((t) => regex.test(t) && !t.startsWith('__'));
  if (sources.length === 0) throw userError(`table ${table}: no Kafka topic matches SOURCE_KAFKA_TOPIC_NAMES "${sourcePattern}" (needed to size the repartition topic ${topic})`);
  const meta = await admin.fetchTopicMetadata({ topics: sources });
  const expected = Math.max(...meta.topics.map((t) => t.partitions.length));
  const out: InternalTopicState[] = [];
  for (const [name, kind] of [
    [topic, 'repartition'],
    [changelog, 'changelog'],
  ] as const) {
    if (!all.includes(name)) {
      out.push({ topic: name, kind, expected, found: undefined, configs: {} });
      continue;
    }
    const found = await partitionCount(admin, name);
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name, configNames: SHOWN_CONFIGS }] });
    const entries = new Map((described.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]));
    const configs = Object.fromEntries(SHOWN_CONFIGS.filter((k) => entries.has(k)).map((k) => [k, entries.get(k)!]));
    out.push({ topic: name, kind, expected, found, configs });
  }
  return out;
}
