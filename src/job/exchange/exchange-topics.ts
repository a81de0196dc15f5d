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

/** The tables the exchange reads (a join's two, or one), each with its source topic pattern. */
export interface ExchangeSource {
  readonly table: string;
  readonly pattern: string;
}

/**
 * The source topics of every table: the repartition topic gets the most partitions among them, and the
 * downstream waits for a watermark of each table's every partition (a table read by both sides of a
 * self-join counts once).
 */
async function sourceTopics(admin: Admin, all: readonly string[], tables: readonly ExchangeSource[], topic: string): Promise<{ sources: string[]; partitions: number; sourceSplits: number }> {
  const sources: string[] = [];
  let partitions = 0;
  let sourceSplits = 0;
  const seen = new Set<string>();
  for (const { table, pattern } of tables) {
    if (seen.has(table)) continue;
    seen.add(table);
    const regex = topicRegex(pattern);
    const matched = all.filter((t) => regex.test(t) && !t.startsWith('__'));
    if (matched.length === 0) throw userError(`table ${table}: no Kafka topic matches SOURCE_KAFKA_TOPIC_NAMES "${pattern}" (needed to size the repartition topic ${topic})`);
    const meta = await admin.fetchTopicMetadata({ topics: matched });
    const counts = meta.topics.map((t) => t.partitions.length);
    partitions = Math.max(partitions, ...counts);
    sourceSplits += counts.reduce((a, b) => a + b, 0);
    for (const t of matched) if (!sources.includes(t)) sources.push(t);
  }
  return { sources, partitions, sourceSplits };
}

/**
 * With several stages (a chain of exchanges): `job` is every table the job's exchanges read, which sizes
 * every internal topic alike (the most partitions among them), and `fed` how many of this stage's sides
 * are another stage's output (each a writer over that many partitions of the stage below).
 */
export interface StageTopics {
  readonly job?: readonly ExchangeSource[];
  readonly fed?: number;
}

export async function prepareExchangeTopics(admin: Admin, tables: readonly ExchangeSource[], topic: string, changelog: string, stage: StageTopics = {}): Promise<ExchangeTopics> {
  const all = await admin.listTopics();
  const own = await sourceTopics(admin, all, tables, topic);
  const { sources, partitions } = stage.job ? await sourceTopics(admin, all, stage.job, topic) : own;
  const sourceSplits = own.sourceSplits + (stage.fed ?? 0) * partitions;
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
export async function describeExchangeTopics(admin: Admin, tables: readonly ExchangeSource[], topic: string, changelog: string): Promise<InternalTopicState[]> {
  const all = await admin.listTopics();
  // `tables`: every table the job's exchanges read (all internal topics are sized alike).
  const expected = (await sourceTopics(admin, all, tables, topic)).partitions;
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
