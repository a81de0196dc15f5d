/**
 * Sends pre-encoded record batches (record-batch.ts) to one topic: Produce requests (acks=all) whose
 * partition data are the batches' bytes as they are, over kafkajs's own broker connections (so TLS, SASL,
 * metadata and reconnects are kafkajs's). No message objects, no per-record encoding in kafkajs. Requests
 * are version 3, or 7 when a batch is zstd-compressed: brokers refuse zstd in older versions (KIP-110,
 * UNSUPPORTED_COMPRESSION_TYPE). Versions 3 to 7 share the request layout; responses from 5 on add
 * log_start_offset, so each version is read by its own kafkajs decoder.
 *
 * Delivery is at-least-once: a retriable error (leader moved, broker unreachable, timeout) refreshes the
 * metadata and re-sends the failed partitions' batches, up to `retries` times within `maxRetryTimeMs`; a
 * batch the broker may have written before the error can then be written twice. The batch header's
 * producer fields are settable (record-batch.ts), so an idempotent mode can be added on top.
 *
 * Partitioning matches Kafka's default partitioner (and kafkajs's DefaultPartitioner): murmur2 of the key
 * modulo the partition count; records without a key go round-robin over the partitions with a leader.
 */
import type { Kafka } from 'kafkajs';
import { externalError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { kafkajsInternals } from './kafkajs.js';
import { ATTRIBUTES_OFFSET } from './record-batch.js';
import { CODEC_IDS } from './compression.js';

/** What of kafkajs's Cluster and Broker this file uses. */
interface Broker {
  connectionPool: { send(r: { request: unknown; response: unknown; requestTimeout?: number }): Promise<unknown> };
  disconnect(): Promise<void>;
}
interface PartitionMetadata {
  partitionId: number;
  leader: number;
}
interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findTopicPartitionMetadata(topic: string): PartitionMetadata[];
  findBroker(q: { nodeId: number }): Promise<Broker>;
}

export interface PartitionBatch {
  readonly partition: number;
  readonly bytes: Buffer;
}

export interface BatchProducerOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly logger: Logger;
  /** Broker-side wait for acks=all (request.timeout.ms), default 30 s. */
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly maxRetryTimeMs?: number;
}

const PRODUCE_API_KEY = 0;

/** Kafka's murmur2 (as the Java client's Utils.murmur2), over the key's bytes. */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}

export class BatchProducer {
  private readonly cluster: Cluster;
  private partitions: PartitionMetadata[] = [];
  private available: number[] = [];
  private counter = Math.floor(Math.random() * 0x7fffffff);
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly maxRetryTimeMs: number;

  constructor(private readonly options: BatchProducerOptions) {
    const symbol = Object.getOwnPropertySymbols(options.kafka).find((s) => s.description === 'private:Kafka:createCluster');
    if (!symbol) throw new Error('internal error: this kafkajs version has no cluster factory (the record-batch producer needs kafkajs 2.x)');
    const create = (options.kafka as unknown as Record<symbol, (o: object) => Cluster>)[symbol]!;
    this.cluster = create({ allowAutoTopicCreation: false });
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 8;
    this.maxRetryTimeMs = options.maxRetryTimeMs ?? 30_000;
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
    await this.cluster.addTargetTopic(this.options.topic);
    this.loadPartitions();
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
  }

  get partitionCount(): number {
    return this.partitions.length;
  }

  /** The partition of a record: murmur2 of the key, or round-robin over partitions with a leader. */
  partitionFor(key: Uint8Array | null): number {
    if (key !== null) return (murmur2(key) & 0x7fffffff) % this.partitions.length;
    const list = this.available.length > 0 ? this.available : this.partitions.map((p) => p.partitionId);
    this.counter = (this.counter + 1) & 0x7fffffff;
    return list[this.counter % list.length]!;
  }

  /** Sends the batches (at most one per partition); resolves when the broker acknowledged all of them. */
  async send(batches: readonly PartitionBatch[]): Promise<void> {
    const started = Date.now();
    let pending = batches;
    for (let attempt = 0; ; attempt++) {
      const failed = await this.sendOnce(pending);
      if (failed.length === 0) return;
      const fatal = failed.find((f) => !f.retriable);
      const elapsed = Date.now() - started;
      if (fatal || attempt >= this.retries || elapsed > this.maxRetryTimeMs) {
        const f = fatal ?? failed[0]!;
        throw externalError(`producing to ${this.options.topic} partition ${f.partition} failed${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}: ${f.error.message}`, {
          cause: f.error,
        });
      }
      this.options.logger.debug('retrying a produce request', { topic: this.options.topic, partitions: failed.map((f) => f.partition), error: failed[0]!.error.message });
      await new Promise((r) => setTimeout(r, Math.min(1000, 100 * 2 ** attempt)));
      await this.cluster.refreshMetadata().catch(() => undefined);
      this.loadPartitions();
      const again = new Set(failed.map((f) => f.partition));
      pending = pending.filter((b) => again.has(b.partition));
    }
  }

  private loadPartitions(): void {
    const meta = this.cluster.findTopicPartitionMetadata(this.options.topic);
    if (meta.length === 0) throw externalError(`topic ${this.options.topic} has no partitions in the broker's metadata`);
    this.partitions = [...meta].sort((a, b) => a.partitionId - b.partitionId);
    this.available = this.partitions.filter((p) => p.leader >= 0).map((p) => p.partitionId);
  }

  /** One request per leader; returns the partitions that failed (with whether a retry may help). */
  private async sendOnce(batches: readonly PartitionBatch[]): Promise<Array<{ partition: number; error: Error; retriable: boolean }>> {
    const byLeader = new Map<number, PartitionBatch[]>();
    const failed: Array<{ partition: number; error: Error; retriable: boolean }> = [];
    for (const b of batches) {
      const leader = this.partitions.find((p) => p.partitionId === b.partition)?.leader;
      if (leader === undefined || leader < 0) {
        failed.push({ partition: b.partition, error: new Error('no leader for the partition'), retriable: true });
        continue;
      }
      const list = byLeader.get(leader) ?? [];
      list.push(b);
      byLeader.set(leader, list);
    }
    await Promise.all(
      [...byLeader].map(async ([leader, list]) => {
        try {
          const broker = await this.cluster.findBroker({ nodeId: leader });
          const response = (await broker.connectionPool.send({
            request: this.request(list),
            response: produceVersion(list) === 7 ? RESPONSE_V7 : RESPONSE,
            requestTimeout: this.timeoutMs + 5000,
          })) as Awaited<
            ReturnType<typeof kafkajsInternals.produceV3Response.decode>
          >;
          for (const t of response.topics) {
            for (const p of t.partitions) {
              if (p.errorCode === 0) continue;
              const error = kafkajsInternals.createErrorFromCode(p.errorCode);
              failed.push({ partition: p.partition, error, retriable: error.retriable === true });
            }
          }
        } catch (e) {
          const error = e as Error & { retriable?: boolean; name: string };
          const retriable = error.retriable !== false || /Connection|Timeout|NotFound|Lock/.test(error.name);
          for (const b of list) failed.push({ partition: b.partition, error, retriable });
        }
      }),
    );
    return failed;
  }

  private request(list: readonly PartitionBatch[]): object {
    const { topic } = this.options;
    const timeout = this.timeoutMs;
    return {
      apiKey: PRODUCE_API_KEY,
      apiVersion: produceVersion(list),
      apiName: 'Produce',
      expectResponse: () => true,
      encode: async () => produceBody(topic, timeout, list),
    };
  }
}

/**
 * The Produce v3-v7 request body (transactional id null, acks -1 (all), timeout, one topic and its partitions'
 * record sets) in one buffer of the exact size: kafkajs's Encoder grew a zero-filled buffer to the next power of
 * two above it. `buf` and `buffer` are what kafkajs's own framing reads from an Encoder.
 */
export function produceBody(topic: string, timeoutMs: number, list: readonly PartitionBatch[]): { buf: Buffer; buffer: Buffer } {
  const topicBytes = Buffer.byteLength(topic, 'utf8');
  let size = 2 + 2 + 4 + 4 + 2 + topicBytes + 4;
  for (const b of list) size += 8 + b.bytes.length;
  const out = Buffer.allocUnsafe(size);
  let p = out.writeInt16BE(-1, 0);
  p = out.writeInt16BE(-1, p);
  p = out.writeInt32BE(timeoutMs, p);
  p = out.writeInt32BE(1, p);
  p = out.writeInt16BE(topicBytes, p);
  p += out.write(topic, p, topicBytes, 'utf8');
  p = out.writeInt32BE(list.length, p);
  for (const b of list) {
    p = out.writeInt32BE(b.partition, p);
    p = out.writeInt32BE(b.bytes.length, p);
    p += b.bytes.copy(out, p);
  }
  return { buf: out, buffer: out };
}

/** The Produce request version for these batches: 7 when one is zstd-compressed, else 3. */
export function produceVersion(list: readonly PartitionBatch[]): 3 | 7 {
  return list.some((b) => b.bytes.length > ATTRIBUTES_OFFSET + 1 && (b.bytes.readInt16BE(ATTRIBUTES_OFFSET) & 0x07) === CODEC_IDS.zstd) ? 7 : 3;
}

/** The Produce v3 / v7 responses: decoded only; per-partition errors are handled above. */
const RESPONSE = {
  decode: kafkajsInternals.produceV3Response.decode,
  parse: async (d: unknown) => d,
};
const RESPONSE_V7 = {
  decode: kafkajsInternals.produceV7Response.decode,
  parse: async (d: unknown) => d,
};
