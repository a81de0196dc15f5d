import type { Logger } from './logger.js';
import type { DataMessage, Field, Row, RowKind } from './types.js';

/**
 * Contracts between the job and its connectors. Connectors import only core and schema; the job wires them
 * to the dataflow, to telemetry and to checkpoints.
 */

/** A bound metric handle: the job creates them from the telemetry catalogue with labels already set. */
export interface Counter {
  inc(n?: number): void;
}
export interface Gauge {
  set(v: number): void;
}
export interface Histogram {
  observe(v: number): void;
}

export interface SourceMetrics {
  readonly recordsIn: Counter;
  readonly bytesIn: Counter;
  readonly decodeErrors: Counter;
  readonly badRecordsSkipped: Counter;
  readonly badRecordsDeadLettered: Counter;
  /** Kafka: records behind the high watermark in one partition (optional: other sources have no lag). */
  readonly partitionLag?: (topic: string, partition: number, records: number) => void;
}

export interface SinkMetrics {
  readonly recordsOut: Counter;
  readonly bytesOut: Counter;
  readonly writeErrors: Counter;
  readonly flushLatencySeconds: Histogram;
}

/** Where a record came from, for error messages and dead letters. */
export interface RecordOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Source positions: per split (e.g. `topic:partition`), the next position to read. They are part of every
 * checkpoint and committed to the external system only when a checkpoint completes.
 */
export type SourcePositions = Readonly<Record<string, string>>;

export interface SourceBatch {
  /** Decoded rows in the table's column order (the rowtime column already filled). */
  readonly rows: Row[];
  /** The split the rows came from (per-partition watermarks use it). */
  readonly split: string;
  /** Each row's position in its split (Kafka: the record offset), parallel to `rows`; names a failing record. */
  readonly offsets?: readonly string[];
  /** A changelog source (CDC): each row's kind (+I, -U, +U, -D), parallel to `rows`; absent = all inserts. */
  readonly rowKinds?: RowKind[];
  /**
   * Called by the job once the batch is processed, inside the same critical section, so the source's
   * positions move together with the state the batch changed (a checkpoint never sees one without the other).
   */
  readonly processed?: () => void;
}

export interface SourceContext {
  readonly logger: Logger;
  readonly metrics: SourceMetrics;
  /**
   * Hands a decoded batch to the dataflow. The promise resolves when the batch has been processed and what
   * it produced has been written by the sink; a source may only then treat the records as consumed.
   */
  deliver(batch: SourceBatch): Promise<void>;
  /** The splits this instance now reads (after a rebalance); per-split watermarks wait for each of them. */
  splitsAssigned?(splits: readonly string[]): void;
  /** A split that has nothing to read now (idle), so event time need not wait for it. */
  markIdle?(split: string): void;
  /**
   * A bounded split read to its end (one task of a bounded run scaled out): its end of input crosses the
   * exchange as a watermark of +infinity for that split.
   */
  splitEnded?(split: string): void;
  /**
   * The source reached its external system (a fetch, a heartbeat) or lost it (with the client's error);
   * /healthz turns a long loss into 503 (src/job/health.ts).
   */
  connected?(up: boolean, reason?: string): void;
}

export interface Source {
  readonly table: string;
  /** Starts delivering. Resolves when a bounded source has delivered everything; unbounded ones resolve when stopped. */
  run(ctx: SourceContext): Promise<void>;
  /** Positions up to which everything has been delivered (and processed); taken at a checkpoint. */
  positions(): SourcePositions;
  /**
   * Makes the external system remember `positions` (e.g. Kafka consumer-group offsets). With `via`
   * (exactly-once), the source hands its group and offsets to `via` instead of committing them itself: the
   * sink's transaction carries them (Kafka sendOffsets).
   */
  commit(positions: SourcePositions, via?: OffsetCommitter): Promise<void>;
  /**
   * Exactly-once restore: the metadata strings the source's consumer group holds with its committed offsets
   * (one per partition that has a committed offset), which tag each with the checkpoint whose transaction
   * committed it.
   */
  committedMetadata?(): Promise<readonly string[]>;
  /** Start reading from these positions instead of the external system's (restore from a checkpoint). */
  seek?(positions: SourcePositions): void;
  /** A bounded source's splits (all of them, not only this task's), once run() has started; undefined before or when unbounded. */
  boundedSplits?(): readonly string[] | undefined;
  /** Stops delivering after the batch in progress; run() then resolves. */
  stop(): Promise<void>;
  /**
   * Releases what stop() kept so that the final checkpoint's commit() is cheap (Kafka: the consumer stays in
   * its group until then); called once the job has taken its last checkpoint.
   */
  close?(): Promise<void>;
}

/** One partition's consumed position, as a transaction commits it to a consumer group. */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** Takes a source's consumed positions into the open transaction (exactly-once). */
export type OffsetCommitter = (groupId: string, offsets: readonly PartitionOffset[]) => Promise<void>;

/**
 * A sink whose output is transactional (Kafka, SINK_KAFKA_DELIVERY_GUARANTEE=EXACTLY_ONCE): everything
 * written since the last commit is in one open transaction, which the checkpoint coordinator commits
 * together with the consumed offsets (see docs/architecture.md, Guarantees).
 */
export interface SinkTransactions {
  /**
   * Adds a consumer group's offsets to the open transaction, tagged with `metadata` (the checkpoint id), so
   * they commit or abort with the output.
   */
  sendOffsets(groupId: string, offsets: readonly PartitionOffset[], metadata: string): Promise<void>;
  /** Commits the open transaction (after a flush) and begins the next; rejects when it did not commit. */
  commit(): Promise<void>;
  /**
   * Sends records of the sink's cluster into the open transaction, so they commit or abort with the output
   * (scale-out: the repartition and changelog records). Same shape as a Kafka producer's send.
   */
  readonly sender?: TransactionSender | undefined;
}

/** A Kafka record for `SinkTransactions.sender`. */
export interface TransactionMessage {
  readonly partition?: number;
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null;
}

export interface TransactionSender {
  send(record: { topic: string; acks: number; messages: TransactionMessage[]; compression?: number; timeout?: number }): Promise<unknown>;
}

export interface Sink {
  readonly name: string;
  /** Present when the sink writes inside transactions committed by the checkpoint (exactly-once). */
  readonly transactions?: SinkTransactions | undefined;
  open(): Promise<void>;
  /** Buffers a batch of output rows (columns as in `SinkSpec.columns`). Must not block. */
  write(batch: DataMessage): void;
  /** Writes everything buffered; resolves when the external system has acknowledged it. */
  flush(): Promise<void>;
  /**
   * Rows written but not yet acknowledged. A sink that reports it is flushed only at checkpoints and when
   * this grows past a bound (backpressure); one that does not is flushed after every batch.
   */
  pending?(): number;
  /**
   * Called after every batch that did not flush the whole output (so only with `pending`): flushes the part
   * that is due per batch. The SINKS fan-out uses it to flush its members without a backlog (log, InfluxDB)
   * after each batch while the others (Kafka, HTTP) wait for a checkpoint or their backlog bound.
   */
  afterBatch?(): Promise<void>;
  close(): Promise<void>;
}

export interface SinkSpec {
  /** The columns of the query's result, in order. */
  readonly columns: readonly Field[];
  /** The result is a changelog (updates/deletes), not append-only. */
  readonly updating: boolean;
  /** Column positions of the unique key of an updating result, if any. */
  readonly uniqueKey?: readonly number[];
}
