/**
 * Size-bounded Kafka sends, shared by every producer in Dirk (the Kafka sink, source dead letters, late
 * records, the sink's own dead letters).
 *
 * Why: kafkajs packs everything handed to one `producer.send()` into one record batch per partition, and a
 * broker refuses a batch larger than the topic's `max.message.bytes` (1 MB by default) with
 * MESSAGE_TOO_LARGE. A backlog after an outage, or one window firing 30,000 keys, would then fail on every
 * retry and every restart. So each send is cut into requests whose records add up to at most the budget:
 * `min(topic max.message.bytes, max.request.size) - overheads`. The bound is on the whole request, so each
 * partition's batch (a part of it) is under the topic's limit whatever partition each record goes to.
 *
 * Sizes are upper bounds of Kafka's record format v2 before compression (a compressed batch is smaller),
 * so a request never exceeds the limit because of an estimate. A record that cannot fit alone is
 * "oversized": callers route it by their policy instead of sending it.
 */
import { compressSync, type CompressionType } from './compression.js';
import type { Admin, ConfigResourceTypes, IHeaders, Message } from 'kafkajs';
import { externalError, userError } from '../../core/errors.js';

/** ConfigResourceTypes.TOPIC (a literal, so this file does not load kafkajs itself). */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;
/** Extra looks (500 ms apart) before a topic the broker does not know is reported missing. */
const MISSING_TOPIC_RETRIES = 4;
/** Kafka's per-batch overhead (log overhead + record batch header, v2). */
export const RECORD_BATCH_OVERHEAD = 61;
/** Kafka's broker and topic default for max.message.bytes (1 MiB + the batch overhead of old formats). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
/** The Java producer's default max.request.size. */
export const DEFAULT_MAX_REQUEST_BYTES = 1_048_576;
/** Room left in a request for its own framing (topic name, partition headers of several partitions). */
const REQUEST_FRAMING = 4096;
/** Per record, the varint fields of format v2 at their widest (length, attributes, deltas, key/value lengths, header count). */
const RECORD_OVERHEAD = 40;

export interface SendLimits {
  /** The topic's max.message.bytes: the largest record batch the broker accepts for one partition. */
  readonly maxMessageBytes: number;
  /** max.request.size: the most record bytes Dirk puts in one produce request. */
  readonly maxRequestBytes: number;
  /** Batches are compressed with it: a record's size for the oversized check is its compressed size. */
  readonly compression?: CompressionType | undefined;
}

function byteLength(v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

function headerBytes(headers: IHeaders | undefined): number {
  if (!headers) return 0;
  let n = 0;
  for (const [k, v] of Object.entries(headers)) {
    const values = Array.isArray(v) ? v : [v];
    for (const one of values) n += 10 + Buffer.byteLength(k) + byteLength(one as Buffer | string | undefined);
  }
  return n;
}

/** An upper bound of a record's size inside an uncompressed record batch. */
export function recordBytes(m: Message): number {
  return RECORD_OVERHEAD + byteLength(m.key) + byteLength(m.value) + headerBytes(m.headers);
}

/** recordBytes for a record without headers, from its key and value lengths. */
export function recordBytesOf(keyLength: number, valueLength: number): number {
  return RECORD_OVERHEAD + keyLength + valueLength;
}

/** Whether a record of `size` (recordBytes) fits a send uncompressed: then oversizedBy is undefined. */
export function fitsUncompressed(size: number, limits: SendLimits): boolean {
  return size + RECORD_BATCH_OVERHEAD <= limits.maxMessageBytes && size <= limits.maxRequestBytes - REQUEST_FRAMING;
}

/** The record bytes one request may carry under `limits`. */
export function requestBudget(limits: SendLimits): number {
  return Math.max(1, Math.min(limits.maxMessageBytes - RECORD_BATCH_OVERHEAD, limits.maxRequestBytes - REQUEST_FRAMING));
}

/**
 * The size that decides whether a record can be sent at all: its batch alone must fit the topic's limit
 * (compressed when batches are compressed) and its raw size the request limit.
 */
export function oversizedBy(m: Message, limits: SendLimits, size = recordBytes(m)): number | undefined {
  if (fitsUncompressed(size, limits)) return undefined;
  if (size > limits.maxRequestBytes - REQUEST_FRAMING) return size;
  if (limits.compression === undefined || limits.compression === 'none') return size;
  // Only records near the limit pay for this: compressed with the sink's codec, it may still fit the topic.
  const value = m.value === null || m.value === undefined ? undefined : typeof m.value === 'string' ? Buffer.from(m.value) : m.value;
  const packed = RECORD_OVERHEAD + byteLength(m.key) + headerBytes(m.headers) + (value ? compressSync(limits.compression, value).length : 0);
  return packed + RECORD_BATCH_OVERHEAD <= limits.maxMessageBytes ? undefined : packed;
}

/**
 * A dead-letter record as it can be sent: unchanged when it fits the dead-letter topic, otherwise its headers
 * alone (the reference to the input) with `dirk-value-omitted`, so one huge record cannot block the job.
 */
export function fitDeadLetter(m: Message, limits: SendLimits): Message {
  if (oversizedBy(m, limits) === undefined) return m;
  return { key: null, value: null, headers: { ...(m.headers ?? {}), 'dirk-value-omitted': 'true' } };
}

/**
 * Cuts `messages` (in order) into consecutive chunks of at most `budget` record bytes. A record larger
 * than the budget goes alone (callers check `oversizedBy` first, so that only happens when it fits).
 */
export function chunkBySize(messages: readonly Message[], budget: number, sizes?: readonly number[]): Message[][] {
  const out: Message[][] = [];
  let chunk: Message[] = [];
  let bytes = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const size = sizes?.[i] ?? recordBytes(m);
    if (chunk.length > 0 && bytes + size > budget) {
      out.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length > 0) out.push(chunk);
  return out;
}

/** A producer as far as bounded sends need it (kafkajs Producer fits). */
export interface SendingProducer {
  send(record: { topic: string; acks: number; messages: Message[]; compression?: number; timeout?: number }): Promise<unknown>;
}

/**
 * Sends `messages` to `topic` as consecutive requests within `limits`, one after another (so order per
 * partition holds). Resolves when all are acknowledged; rejects on the first failed request, naming how
 * many records before it were written.
 */
export async function sendBounded(
  producer: SendingProducer,
  topic: string,
  messages: readonly Message[],
  limits: SendLimits,
  extra: { compression?: number; timeout?: number } = {},
): Promise<void> {
  const chunks = chunkBySize(messages, requestBudget(limits));
  let written = 0;
  for (const chunk of chunks) {
    try {
      await producer.send({ topic, acks: -1, messages: chunk, ...extra });
    } catch (e) {
      const note = chunks.length > 1 ? ` (request ${chunks.indexOf(chunk) + 1} of ${chunks.length}; ${written} record(s) before it were written)` : '';
      throw Object.assign(new Error(`${(e as Error).message}${note}`), { cause: e });
    }
    written += chunk.length;
  }
}

/**
 * Reads the topic's max.message.bytes from the broker, which also checks that the topic exists: a missing
 * topic is a user error at start instead of a send failing after a minute of retries.
 */
export async function readTopicMaxMessageBytes(admin: Admin, topic: string, what: string, hint = 'create it'): Promise<number> {
  let response: Awaited<ReturnType<Admin['describeConfigs']>> | undefined;
  // A topic created a moment ago may not be known to every broker yet: ask a few times before saying missing.
  for (let attempt = 0; !response; attempt++) {
    try {
      response = await admin.describeConfigs({
        resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: ['max.message.bytes'] }],
        includeSynonyms: false,
      });
    } catch (e) {
      const message = (e as Error).message;
      const unknown = /does not host this topic-partition|UNKNOWN_TOPIC|unknown topic/i.test(message) || (e as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
      if (unknown && attempt < MISSING_TOPIC_RETRIES) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (unknown) throw missingTopic(topic, what, hint);
      throw externalError(`${what}: cannot read the configuration of topic ${topic}: ${message}`, { cause: e });
    }
  }
  const resource = response.resources[0];
  if (resource && resource.errorCode === 3) throw missingTopic(topic, what, hint);
  const entry = resource?.configEntries.find((c) => c.configName === 'max.message.bytes');
  const n = Number(entry?.configValue);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_MAX_MESSAGE_BYTES;
}

function missingTopic(topic: string, what: string, hint: string): Error {
  return userError(`${what}: topic ${topic} does not exist; ${hint}`);
}

/** SINK_KAFKA_CREATE_TOPIC: create the topic at start when missing, with these settings. */
export interface CreateTopicOptions {
  readonly partitions: number;
  readonly replicationFactor: number;
}

/**
 * At start: checks the topic exists (creating it first when asked) and returns its max.message.bytes.
 * `what` names the producer in errors ("kafka sink kafka", "dead-letter topic of table t").
 */
export async function prepareTopic(admin: Admin, topic: string, what: string, create?: CreateTopicOptions, hint?: string): Promise<number> {
  if (create) {
    try {
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: create.partitions, replicationFactor: create.replicationFactor }],
      });
      if (created) {
        // Metadata reaches every broker shortly after creation; describeConfigs may briefly say unknown.
        await new Promise((r) => setTimeout(r, 200));
      }
    } catch (e) {
      throw externalError(
        `${what}: cannot create topic ${topic} (${create.partitions} partitions, replication ${create.replicationFactor}): ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
  return readTopicMaxMessageBytes(admin, topic, what, hint);
}
