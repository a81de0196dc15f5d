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
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { externalError, mayRetry } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { sendBounded, type SendingProducer } from '../../connectors/kafka/bounded-send.js';
import { parseSplit } from '../../connectors/kafka/kafka-client.js';

/** The changelog topic is created with max.message.bytes = 64 MiB: one record holds a partition's state. */
export const CHANGELOG_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const RESTORE_TIMEOUT_MS = 60_000;
/** Offsets back from a partition's end where its newest committed record is looked for first. */
const TAIL = 16;
/** A restore read that gets nothing new for this long has reached what it can read. */
const IDLE_END_MS = 3000;
/** How long leaving the restore's throwaway consumer group is waited for. */
const LEAVE_TIMEOUT_MS = 5000;

interface Range {
  readonly split: string;
  readonly low: number;
  /** Where the read starts. */
  readonly from: number;
  readonly high: number;
}

export interface ChangelogOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** A producer, or the sink's open transaction (exactly-once: state commits with the offsets). */
  readonly producer: SendingProducer;
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

  /**
   * The newest state of each of `splits` (repartition split ids) that the changelog has. Under exactly-once
   * the records are transactional: the partition's tail holds commit markers and maybe aborted records, so
   * the newest committed record is the last one a read_committed consumer sees from a few offsets back
   * (the whole partition when that tail holds none).
   */
  async read(splits: readonly string[]): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    if (splits.length === 0) return out;
    const { admin, topic, logger } = this.o;
    const offsets = await admin.fetchTopicOffsets(topic);
    const wanted = new Map<number, Range>();
    for (const split of splits) {
      const partition = parseSplit(split)!.partition;
      const o = offsets.find((x) => x.partition === partition);
      if (o && Number(o.high) > Number(o.low)) wanted.set(partition, { split, low: Number(o.low), from: Math.max(Number(o.low), Number(o.high) - TAIL), high: Number(o.high) });
    }
    if (wanted.size === 0) return out;
    this.o.onRestoring?.(wanted.size);
    const started = Date.now();
    try {
      await this.scan(wanted, out);
      // A tail of aborted records and markers only: the partition from its start.
      const again = new Map([...wanted].filter(([, r]) => !out.has(r.split) && r.from > r.low).map(([p, r]) => [p, { ...r, from: r.low }]));
      if (again.size > 0) await this.scan(again, out);
    } finally {
      this.o.onRestoring?.(0);
    }
    logger.info(`restored the state of ${out.size} partition(s) from ${topic} in ${Date.now() - started} ms`, { partitions: [...out.keys()].sort() });
    return out;
  }

  /**
   * Reads each partition from `from` to its end (read_committed), keeping the last record's state.
   *
   * This runs inside the task's delivery lock, so every kafkajs call is bounded: joining the throwaway group
   * and reading count against RESTORE_TIMEOUT_MS, and leaving it afterwards gets LEAVE_TIMEOUT_MS (kafkajs'
   * disconnect can wait for good when it races its own fetch loop). A restore that never returned would stop
   * every input of the task, and with them the task's source consumers, which cannot rejoin their groups
   * from inside a batch: the other members' rebalances would then wait for them too.
   */
  private async scan(ranges: ReadonlyMap<number, Range>, out: Map<string, unknown>): Promise<void> {
    const { topic } = this.o;
    // A consumer of its own (kafkajs has no manual assignment): every partition, seeked to the records wanted.
    const consumer = this.o.kafka.consumer({
      groupId: `${this.o.groupId}-restore-${randomUUID()}`,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: CHANGELOG_MAX_MESSAGE_BYTES,
    });
    const open = new Set(ranges.keys());
    let progressAt = Date.now();
    let joined = false;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const close = (partition: number): void => {
      open.delete(partition);
      this.o.onRestoring?.(open.size);
      if (open.size === 0) done();
    };
    const idle = setInterval(() => {
      // Nothing more within reach (the end is an open transaction's records, or markers only).
      if (joined && Date.now() - progressAt > IDLE_END_MS) done();
    }, 200);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), RESTORE_TIMEOUT_MS)));
    const read = async (): Promise<void> => {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: false });
      consumer.on(consumer.events.GROUP_JOIN, () => {
        for (const [partition, r] of ranges) consumer.seek({ topic, partition, offset: String(r.from) });
        joined = true;
        progressAt = Date.now();
      });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const r = ranges.get(batch.partition);
          if (!r || !open.has(batch.partition)) return;
          progressAt = Date.now();
          for (const message of batch.messages) {
            if (Number(message.offset) < r.from || !message.value) continue;
            out.set(r.split, deserialize(message.value));
            this.o.onRestoredBytes?.(message.value.length);
          }
          if (Number(batch.lastOffset()) >= r.high - 1) close(batch.partition);
        },
      });
      await finished;
    };
    try {
      if ((await Promise.race([read(), timeout])) === 'timeout') {
        throw externalError(`restoring state from the changelog topic ${topic}: ${open.size} of ${ranges.size} partition(s) not read to their end in ${RESTORE_TIMEOUT_MS / 1000} s`);
      }
    } finally {
      clearInterval(idle);
      clearTimeout(timer);
      await leave(consumer, this.o.logger, topic);
    }
  }
}

/** Leaves the restore's throwaway group, waiting LEAVE_TIMEOUT_MS at most (its state is read by then). */
async function leave(consumer: Consumer, logger: Logger, topic: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), LEAVE_TIMEOUT_MS)));
  const left = consumer.disconnect().catch(() => undefined);
  try {
    if ((await Promise.race([left, late])) === 'late') logger.warn(`the consumer that restored state from ${topic} did not leave its group within ${LEAVE_TIMEOUT_MS / 1000} s; going on without waiting`);
  } finally {
    clearTimeout(timer);
  }
}
