/**
 * The Kafka sink: rows encoded by the value (and optional key) encoder, produced by an idempotent kafkajs
 * producer with acks=all. Delivery is at-least-once, as Dagger's: write() encodes and buffers, sends start
 * in the background once enough rows are buffered or `lingerMs` after the first (0: after the input batch), and flush() (called at
 * every checkpoint) sends the rest and resolves only when the broker acknowledged everything written so far.
 *
 * Exactly-once (`transactional`, SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE): the producer is transactional
 * (stable transactional id, one request in flight) and every send, same-cluster dead letters included, goes
 * into the open transaction; `transactions.sendOffsets` adds the consumed offsets and `transactions.commit`
 * (called by the checkpoint) commits and begins the next one. close() aborts a transaction left open.
 *
 * Updating (changelog) results are written as an upsert stream: the key comes from the key encoder (the job
 * requires one), -U rows are skipped (the +U that follows replaces the value), and -D becomes a tombstone
 * (the key with a null value), which compacted topics and Kafka Streams tables understand. JSON results
 * bring their own changelog encoder (`json-changelog.ts`: upsert or debezium-json records).
 */
import kafkajs from './kafkajs.js';
import type { Message, Producer, ProducerConfig } from 'kafkajs';
import type { Sink, SinkMetrics } from '../../core/connector.js';
import { DirkError, externalError, userError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { RowKind, type DataMessage } from '../../core/types.js';
import type { RowEncoder } from '../../schema/index.js';
import { createKafkaClient, type KafkaSecurity } from './kafka-client.js';
import { noopSinkMetrics } from '../shared/noop-metrics.js';
import { replacedRetractions, type ChangelogEncoder } from './json-changelog.js';
import { BatchOutbox } from './batch-outbox.js';
import { BatchProducer } from './batch-producer.js';
import { SinkBuffer } from './sink-buffer.js';
import { SinkTransaction, type KafkaSinkTransactional } from './sink-transaction.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_REQUEST_BYTES,
  fitsUncompressed,
  oversizedBy,
  prepareTopic,
  recordBytesOf,
  requestBudget,
  sendBounded,
  type CreateTopicOptions,
  type SendingProducer,
  type SendLimits,
} from './bounded-send.js';
import { CODEC_IDS, isCompressionType, type CompressionType } from './compression.js';
import { createOversizedRouter, type OversizedRouter, type RowOrigin, type SinkErrorPolicy } from './oversized-records.js';

const { Partitioners } = kafkajs;

export interface KafkaSinkOptions {
  readonly name?: string;
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly valueEncoder: RowEncoder;
  /** SINK_KAFKA_PROTO_KEY; absent means a null key (Dagger). Required for updating results. */
  readonly keyEncoder?: RowEncoder | undefined;
  /** SINK_KAFKA_PRODUCER_CONFIG_* in Kafka spelling; the ones kafkajs can honour are mapped. */
  readonly producerConfig?: Readonly<Record<string, string>>;
  /** SINK_KAFKA_LINGER_MS (Kafka's linger.ms): send buffered rows at most this long after the first one (0: once the input batch is written); see sink-buffer.ts. */
  readonly lingerMs?: number;
  /** SINK_KAFKA_PRODUCE_LARGE_MESSAGE_ENABLE: 20 MiB requests, snappy-compressed batches (as Dagger). */
  readonly largeMessage?: boolean;
  readonly security?: KafkaSecurity | undefined;
  readonly clientId?: string;
  readonly logger: Logger;
  readonly metrics?: SinkMetrics;
  /** Writes an updating result's changes (SINK_KAFKA_JSON_CHANGELOG); when set, it makes every record. */
  readonly changelog?: ChangelogEncoder | undefined;
  /** Rows per background send (default 5000). */
  readonly sendBatchRecords?: number;
  /** SINK_KAFKA_ERROR_POLICY: what happens to a row too large for the topic (default FAIL). */
  readonly errorPolicy?: SinkErrorPolicy;
  /** The input being processed when write() is called (names a failing row's origin). */
  readonly origin?: () => RowOrigin | undefined;
  /** SINK_KAFKA_CREATE_TOPIC: create the sink (and dead-letter) topic at start when missing. */
  readonly createTopic?: CreateTopicOptions | undefined;
  /** Counters for SKIP and DEAD_LETTER (default: not exported). */
  readonly skipped?: SinkMetrics['writeErrors'];
  readonly deadLettered?: SinkMetrics['writeErrors'];
  /**
   * Write rows as pre-encoded record batches sent by batch-producer.ts (default true): the at-least-once
   * path. false sends through the kafkajs producer (message objects, kafkajs's own batch encoding).
   */
  readonly recordBatches?: boolean;
  /**
   * SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE: rows (and same-cluster dead letters) are sent inside a
   * transaction of a transactional producer, committed by the checkpoint with the consumed offsets.
   */
  readonly transactional?: KafkaSinkTransactional | undefined;
}

export type { KafkaSinkTransactional } from './sink-transaction.js';

const CREATE_HINT = 'create it, or set SINK_KAFKA_CREATE_TOPIC=true (with SINK_KAFKA_CREATE_TOPIC_PARTITIONS and _REPLICATION_FACTOR) to have Dirk create it at start';

interface Pending {
  readonly messages: Message[];
  readonly bytes: number;
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

export function createKafkaSink(options: KafkaSinkOptions): Sink {
  const name = options.name ?? 'kafka';
  const logger = options.logger.child({ sink: name, topic: options.topic });
  const metrics = options.metrics ?? noopSinkMetrics;
  const { valueEncoder, keyEncoder, topic } = options;
  const lingerMs = options.lingerMs ?? 0;
  const sendBatchRecords = options.sendBatchRecords ?? 5000;
  const mapped = producerProperties(options.producerConfig ?? {}, options.largeMessage ?? false);
  if (mapped.ignored.length) logger.warn('producer properties kafkajs cannot honour were ignored', { keys: mapped.ignored });

  const kafka = createKafkaClient({ brokers: options.brokers, clientId: options.clientId ?? `dirk-sink-${name}`, security: options.security, logger });
  let producer: Producer | undefined;
  /** The dead-letter topic's producer; undefined while it is the sink's own (then it shares the transaction). */
  let deadLetterProducer: Producer | undefined;
  const tx = options.transactional;
  /** Exactly-once: the open transaction and what it holds. */
  const txn = tx ? new SinkTransaction(name, tx) : undefined;
  const errorPolicy: SinkErrorPolicy = options.errorPolicy ?? { mode: 'FAIL' };
  const maxRequestBytes = mapped.maxRequestBytes ?? (options.largeMessage ? 20 * 1024 * 1024 : DEFAULT_MAX_REQUEST_BYTES);
  let limits: SendLimits = { maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES, maxRequestBytes, compression: mapped.compression };
  let deadLetterLimits: SendLimits = limits;
  let router: OversizedRouter | undefined;

  // Exactly-once sends through the transactional kafkajs producer; at-least-once through record batches.
  const useBatches = options.recordBatches !== false && !options.transactional;
  const out = new SinkBuffer({ metrics, lingerMs, sendBatchRecords, sendMessages: (messages, bytes) => send({ messages, bytes }) });

  /** Where sends go: the open transaction (exactly-once), or the producer. */
  async function sender(): Promise<SendingProducer> {
    if (txn) return txn.sender(producer);
    if (!producer) throw new DirkError(`internal error: kafka sink ${name} written before open()`);
    return producer;
  }

  async function send(batch: Pending): Promise<void> {
    // Cut into requests the broker accepts (see bounded-send.ts): a backlog never becomes MESSAGE_TOO_LARGE.
    // Inside a transaction the same cut applies: each request is one produce call of the transaction.
    await sendBounded(await sender(), topic, batch.messages, limits, sendExtras(mapped));
    txn?.sentRecords(batch.messages.length);
    metrics.recordsOut.inc(batch.messages.length);
    metrics.bytesOut.inc(batch.bytes);
  }

  /** Reads the topics' limits (checking they exist, creating them if asked) and sets up the error policy. */
  async function prepareTopics(): Promise<void> {
    const admin = kafka.admin();
    try {
      await admin.connect();
      limits = { ...limits, maxMessageBytes: await prepareTopic(admin, topic, `kafka sink ${name}`, options.createTopic, CREATE_HINT) };
      if (errorPolicy.mode === 'DEAD_LETTER') {
        const dl = await openDeadLetterTopic(options, name, admin, limits, mapped, logger);
        deadLetterLimits = dl.limits;
        deadLetterProducer = dl.producer;
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    router = createOversizedRouter({
      sinkName: name,
      topic,
      policy: errorPolicy,
      logger,
      skipped: options.skipped ?? metrics.writeErrors,
      deadLettered: options.deadLettered ?? metrics.writeErrors,
      fitsDeadLetter: (m) => oversizedBy(m, deadLetterLimits) === undefined,
      toDeadLetter: (messages) => {
        // On the sink's cluster, dead letters go through the sink's producer (and so its transaction).
        out.sends.add(async () => sendBounded(deadLetterProducer ?? (await sender()), errorPolicy.deadLetterTopic!, messages, deadLetterLimits, sendExtras(mapped)));
      },
    });
  }

  return {
    name,

    async open() {
      // Encoders that need the network first (Avro: register or look up the subject's schema).
      await valueEncoder.open?.();
      await keyEncoder?.open?.();
      const p = await connecting(options, name, () => connectProducer(kafka, mapped, tx));
      producer = p;
      await txn?.begin(p);
      await prepareTopics();
      if (useBatches) {
        const bp = await connecting(options, name, async () => {
          const b = new BatchProducer({ kafka, topic, logger, retries: mapped.retries ?? 8, maxRetryTimeMs: 30_000, ...(mapped.timeout !== undefined ? { timeoutMs: mapped.timeout } : {}) });
          await b.connect();
          return b;
        });
        out.useBatches(bp, new BatchOutbox(bp, () => requestBudget(limits), mapped.compression));
      }
    },

    write(batch: DataMessage) {
      const { rows, rowKinds } = batch;
      if (options.changelog) return out.addAll(options.changelog(rows, rowKinds));
      if (rowKinds && !keyEncoder) {
        throw userError(`kafka sink ${name}: the result is updating (a changelog), which needs a key (SINK_KAFKA_PROTO_KEY)`);
      }
      let bytes = 0;
      const now = Date.now();
      forEachUpsert(batch, keyEncoder, valueEncoder, (key, value) => {
        const keyLength = key?.length ?? 0;
        const valueLength = value?.length ?? 0;
        const size = recordBytesOf(keyLength, valueLength);
        if (!fitsUncompressed(size, limits)) {
          const message: Message = { key, value };
          const over = oversizedBy(message, limits, size);
          if (over !== undefined) {
            // A record no send can carry: routed by SINK_KAFKA_ERROR_POLICY instead of failing every retry.
            const limit = `max.message.bytes=${limits.maxMessageBytes}, max.request.size=${limits.maxRequestBytes}`;
            router!.route(message, over, limit, options.origin?.());
            return;
          }
        }
        bytes += keyLength + valueLength;
        out.add(key, value, now);
      });
      out.afterWrite(bytes);
    },

    pending() {
      return out.pending();
    },

    transactions: txn?.api(() => producer),

    flush() {
      return out.flush((message) => `kafka sink ${name}: producing to topic ${topic} failed: ${message}`);
    },

    async close() {
      // Unflushed rows are not sent: only a flush (a checkpoint) makes output durable.
      const bp = await out.discard();
      // An open transaction is aborted (what it holds was never covered by a checkpoint), so read_committed
      // readers need not wait for the broker's transaction timeout.
      await txn?.abortOpen(logger);
      if (bp) await bp.disconnect().catch((e: unknown) => logger.warn('record-batch producer did not disconnect cleanly', { error: String(e) }));
      const p = producer;
      producer = undefined;
      if (p) await p.disconnect().catch((e: unknown) => logger.warn('producer did not disconnect cleanly', { error: String(e) }));
      const d = deadLetterProducer;
      deadLetterProducer = undefined;
      if (d) await d.disconnect().catch(() => undefined);
    },
  };
}

type KafkaClient = ReturnType<typeof createKafkaClient>;

/**
 * The records of a batch, in order. Upserts by key, as the JSON upsert path: a -U is dropped when its key's
 * next change in the batch is a +U / +I (that replaces it); any other -U (its +U filtered out, e.g. by
 * HAVING) and a -D delete the key: a tombstone (null value).
 */
function forEachUpsert(batch: DataMessage, keyEncoder: RowEncoder | undefined, valueEncoder: RowEncoder, each: (key: Buffer | null, value: Buffer | null) => void): void {
  const { rows, rowKinds } = batch;
  const keys = keyEncoder ? rows.map((row) => toBuffer(keyEncoder.encode(row))) : undefined;
  const replaced = rowKinds && keys ? replacedRetractions(keys, rowKinds) : undefined;
  for (let i = 0; i < rows.length; i++) {
    if (replaced?.[i]) continue;
    const kind = rowKinds ? rowKinds[i]! : RowKind.Insert;
    each(keys ? keys[i]! : null, kind === RowKind.Delete || kind === RowKind.UpdateBefore ? null : toBuffer(valueEncoder.encode(rows[i]!)));
  }
}

/** The compression and request timeout each send asks for. */
function sendExtras(mapped: MappedProducer): { compression?: number; timeout?: number } {
  return {
    ...(mapped.compression !== 'none' ? { compression: CODEC_IDS[mapped.compression] } : {}),
    ...(mapped.timeout !== undefined ? { timeout: mapped.timeout } : {}),
  };
}

/** `connect()`, with a failure to reach the brokers as an external error naming the sink and the brokers. */
async function connecting<T>(options: KafkaSinkOptions, name: string, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (e) {
    throw externalError(`kafka sink ${name}: cannot connect to ${options.brokers.join(',')}: ${(e as Error).message}`, { cause: e });
  }
}

/** The sink's kafkajs producer, connected: idempotent with acks=all, and transactional for exactly-once. */
async function connectProducer(kafka: KafkaClient, mapped: MappedProducer, tx: KafkaSinkTransactional | undefined): Promise<Producer> {
  const config: ProducerConfig = {
    idempotent: true,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    // The idempotent default is to retry forever; a flush must fail (and the job restart) instead.
    retry: { retries: mapped.retries ?? 8, maxRetryTime: 30_000 },
    ...(mapped.maxInFlightRequests !== undefined ? { maxInFlightRequests: mapped.maxInFlightRequests } : {}),
    // Transactional: one request in flight keeps the sequence (and so the order) exact across retries.
    ...(tx ? { transactionalId: tx.transactionalId, transactionTimeout: tx.timeoutMs, maxInFlightRequests: 1 } : {}),
  };
  const p = kafka.producer(config);
  await p.connect();
  return p;
}

/**
 * SINK_KAFKA_DEAD_LETTER_TOPIC: checks the topic (creating it if asked) and reads its limits. On the sink's
 * own cluster no producer is returned (dead letters go through the sink's, and so its transaction); on
 * SINK_KAFKA_DEAD_LETTER_BROKERS' cluster, a producer of its own.
 */
async function openDeadLetterTopic(
  options: KafkaSinkOptions,
  name: string,
  sinkAdmin: ReturnType<KafkaClient['admin']>,
  limits: SendLimits,
  mapped: MappedProducer,
  logger: Logger,
): Promise<{ limits: SendLimits; producer: Producer | undefined }> {
  const policy = options.errorPolicy!;
  const dlqTopic = policy.deadLetterTopic!;
  const brokers = policy.deadLetterBrokers;
  const separate = brokers !== undefined && brokers.length > 0 && brokers.join(',') !== options.brokers.join(',');
  const what = `kafka sink ${name}: SINK_KAFKA_DEAD_LETTER_TOPIC`;
  if (!separate) return { limits: { ...limits, maxMessageBytes: await prepareTopic(sinkAdmin, dlqTopic, what, options.createTopic, CREATE_HINT) }, producer: undefined };
  const client = createKafkaClient({ brokers, clientId: `${options.clientId ?? `dirk-sink-${name}`}-dead-letter`, security: options.security, logger });
  const admin = client.admin();
  let dlLimits: SendLimits;
  try {
    await admin.connect();
    dlLimits = { ...limits, maxMessageBytes: await prepareTopic(admin, dlqTopic, what, options.createTopic, CREATE_HINT) };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const d = client.producer({ idempotent: true, allowAutoTopicCreation: false, retry: { retries: mapped.retries ?? 8, maxRetryTime: 30_000 } });
  await d.connect();
  return { limits: dlLimits, producer: d };
}

interface MappedProducer {
  /** compression.type; SINK_KAFKA_PRODUCE_LARGE_MESSAGE_ENABLE makes it snappy unless given. */
  compression: CompressionType;
  timeout?: number;
  retries?: number;
  maxInFlightRequests?: number;
  maxRequestBytes?: number;
  ignored: string[];
}

/** Maps the Kafka producer properties kafkajs has an equivalent for. acks is always all. */
function producerProperties(props: Readonly<Record<string, string>>, largeMessage: boolean): MappedProducer {
  const out: MappedProducer = { compression: largeMessage ? 'snappy' : 'none', ignored: [] };
  for (const [k, v] of Object.entries(props)) {
    switch (k) {
      case 'compression.type': {
        // The config reader checked it already (a sink built through the API is checked here).
        const c = v.trim().toLowerCase();
        if (!isCompressionType(c)) throw userError(`SINK_KAFKA_PRODUCER_CONFIG_COMPRESSION_TYPE: expected one of none, gzip, snappy, lz4, zstd, found "${v}"`);
        out.compression = c;
        break;
      }
      case 'request.timeout.ms':
      case 'delivery.timeout.ms':
        out.timeout = Number(v);
        break;
      case 'retries':
        out.retries = Number(v);
        break;
      case 'max.in.flight.requests.per.connection':
        out.maxInFlightRequests = Number(v);
        break;
      case 'acks':
        if (v !== 'all' && v !== '-1') out.ignored.push(`acks=${v} (Dirk always uses acks=all)`);
        break;
      case 'max.request.size':
        // Sends are cut to this many record bytes per request (and to the topic's max.message.bytes).
        if (Number.isInteger(Number(v)) && Number(v) > 0) out.maxRequestBytes = Number(v);
        else out.ignored.push(`${k}=${v} (not a positive integer)`);
        break;
      case 'transaction.timeout.ms':
      case 'transactional.id':
        // Read by the connector for SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE (kafka/transactions.ts).
        break;
      case 'enable.idempotence':
      case 'linger.ms':
      case 'batch.size':
        // Idempotence is always on; batching is ours (SINK_KAFKA_LINGER_MS, flush per checkpoint).
        break;
      default:
        out.ignored.push(k);
    }
  }
  return out;
}
