/**
 * State follows partitions: the keyed operator's state of each repartition partition is written to the
 * compacted changelog topic `<job id>-<operator>-changelog`, partition for partition, at every checkpoint
 * (before the repartition offsets are committed to the group). A task that is assigned a partition whose
 * state it does not hold (another task or process had it: a rebalance, a dead task) reads that partition's
 * newest changelog record and goes on from there; rows it re-reads from the group's committed offset that
 * the state already counted are dropped by the stage's seen-offset rule, so the restore is exact.
 *
 * Each record is the whole state of one partition (key: the partition number), so compaction keeps one
 * record per partition: a snapshot changelog rather than Kafka Streams' per-key changelog. It costs a
 * write of each partition's full state per checkpoint, and restores with one record read.
 */
import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { externalError, mayRetry } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { sendBounded } from '../../connectors/kafka/bounded-send.js';
import { parseSplit } from '../../connectors/kafka/kafka-client.js';

/** The changelog topic is created with max.message.bytes = 64 MiB: one record holds a partition's state. */
export const CHANGELOG_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const RESTORE_TIMEOUT_MS = 60_000;

export interface ChangelogOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: Pick<Producer, 'send'>;
  readonly topic: string;
  readonly groupId: string;
  readonly logger: Logger;
  /** Restore progress: partitions waiting for their state, and bytes of state read. */
  readonly onRestoring?: (pending: number) => void;
  readonly onRestoredBytes?: (bytes: number) => void;
}

export class Changelog {
  constructor(private readonly o: ChangelogOptions) {}

  /** Writes the state of each partition (split id of the repartition topic -> state); resolves when acknowledged. */
  async write(states: ReadonlyMap<string, unknown>): Promise<void> {
    const messages = [...states].map(([split, state]) => {
      const partition = parseSplit(split)!.partition;
      return { partition, key: String(partition), value: serialize(state) };
    });
    if (messages.length === 0) return;
    try {
      await sendBounded(this.o.producer, this.o.topic, messages, { maxMessageBytes: CHANGELOG_MAX_MESSAGE_BYTES, maxRequestBytes: 1024 * 1024 });
    } catch (e) {
      throw externalError(`cannot write the state of ${messages.length} partition(s) to the changelog topic ${this.o.topic}: ${(e as Error).message}`, { cause: e, retriable: mayRetry(e) });
    }
  }

  /** The newest state of each of `splits` (repartition split ids) that the changelog has. */
  async read(splits: readonly string[]): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    if (splits.length === 0) return out;
    const { admin, topic, logger } = this.o;
    const offsets = await admin.fetchTopicOffsets(topic);
    const wanted = new Map<number, { split: string; offset: number }>();
    for (const split of splits) {
      const partition = parseSplit(split)!.partition;
      const o = offsets.find((x) => x.partition === partition);
      // The partition's newest record is the one below its high watermark (one key per partition).
      if (o && Number(o.high) > Number(o.low)) wanted.set(partition, { split, offset: Number(o.high) - 1 });
    }
    if (wanted.size === 0) return out;
    this.o.onRestoring?.(wanted.size);
    const started = Date.now();
    // A consumer of its own (kafkajs has no manual assignment): every partition, seeked to the records wanted.
    const consumer = this.o.kafka.consumer({ groupId: `${this.o.groupId}-restore-${randomUUID()}`, maxWaitTimeInMs: 100, maxBytesPerPartition: CHANGELOG_MAX_MESSAGE_BYTES });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: false });
      let done: () => void = () => undefined;
      const finished = new Promise<void>((resolve) => (done = resolve));
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const [partition, w] of wanted) consumer.seek({ topic, partition, offset: String(w.offset) });
      });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const w = wanted.get(partition);
          if (!w || Number(message.offset) < w.offset || out.has(w.split) || !message.value) return;
          out.set(w.split, deserialize(message.value));
          this.o.onRestoredBytes?.(message.value.length);
          this.o.onRestoring?.(wanted.size - out.size);
          if (out.size === wanted.size) done();
        },
      });
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), RESTORE_TIMEOUT_MS).unref());
      if ((await Promise.race([finished, timeout])) === 'timeout') {
        throw externalError(`restoring state from the changelog topic ${topic}: read ${out.size} of ${wanted.size} partition(s) in ${RESTORE_TIMEOUT_MS / 1000} s`);
      }
    } finally {
      await consumer.disconnect().catch(() => undefined);
      this.o.onRestoring?.(0);
    }
    logger.info(`restored the state of ${out.size} partition(s) from ${topic} in ${Date.now() - started} ms`, { partitions: [...out.keys()].sort() });
    return out;
  }
}
