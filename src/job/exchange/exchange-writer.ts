/**
 * The upstream half of an exchange: rows of the stateless part of the plan, written to the repartition
 * topic partitioned by the operator key, and the task's watermark written to every partition of it.
 *
 * Message values are v8-serialised (structured clone: BIGINT beyond 2^53, DECIMAL, maps and byte arrays
 * survive) records of one of two shapes:
 *   data:    { s: source split, o: source offsets (one per row), r: rows, t?: side }   all rows of one
 *            delivered source batch (and one side of a join: t = 1 for the right side, absent for the
 *            left or only side) that hash to this partition, in order
 *   control: { w: watermark, s: the source splits it covers, n: how many source splits the job reads }
 * A partition receives an upstream task's rows before that task's watermark, since one sender writes
 * every message in order.
 */
import { serialize } from 'node:v8';
import type { Message } from 'kafkajs';
import type { Row, RowKind } from '../../core/types.js';
import { externalError, mayRetry } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { BExpr } from '../../plan/nodes.js';
import { compileProjection } from '../../runtime/expr/compile.js';
import { sendBounded, type SendingProducer } from '../../connectors/kafka/bounded-send.js';
import { partitionOf } from './exchange-hash.js';

/** Rows per data message (a source batch of many rows for one partition is cut into several). */
const ROWS_PER_MESSAGE = 2000;
/** Record sizes the writer works with (the repartition topic is created with max.message.bytes = 8 MiB). */
export const EXCHANGE_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export interface ExchangeWriterOptions {
  /** A producer, or the sink's open transaction (exactly-once). */
  readonly producer: SendingProducer;
  readonly topic: string;
  readonly partitions: number;
  readonly keys: readonly BExpr[];
  /** Where the upstream rows carry their source offset (removed before writing). */
  readonly offsetIndex: number;
  /**
   * A join's sides, each with its key and offset column (`keys` / `offsetIndex` are then unused): each
   * side's rows arrive through `side(i)` and their messages carry the side.
   */
  readonly sides?: readonly { readonly keys: readonly BExpr[]; readonly offsetIndex: number }[];
  /** The watermark this task can promise, and the source splits it covers (those it has delivered from). */
  readonly promise: () => { readonly wm: number; readonly splits: readonly string[] };
  /** FLINK_WATERMARK_INTERVAL_MS: the most often a watermark is written. */
  readonly intervalMs: number;
  /** Source splits of the whole job: the downstream waits for a watermark of each. */
  readonly totalSplits: number;
  readonly logger: Logger;
  /** Rows written (dirk_exchange_records_out_total). */
  readonly onRows?: (n: number) => void;
}

export class ExchangeWriter {
  /** Per side: its key and offset column. */
  private readonly sides: readonly { readonly key: (r: Row) => unknown[]; readonly offsetIndex: number }[];
  private split = '';
  /** Per side, per partition. */
  private buffers: { rows: Row[]; offsets: number[] }[][];
  private queue: Message[] = [];
  private queuedRows = 0;
  private inFlightRows = 0;
  private sending: Promise<void> | undefined;
  private failure: Error | undefined;
  /** The watermark last sent, and the splits it covered. */
  private reported = -Infinity;
  private covered = '';
  private reportedAt = 0;

  constructor(private readonly o: ExchangeWriterOptions) {
    this.sides = (o.sides ?? [{ keys: o.keys, offsetIndex: o.offsetIndex }]).map((s) => ({ key: compileProjection(s.keys), offsetIndex: s.offsetIndex }));
    this.buffers = this.sides.map(() => Array.from({ length: o.partitions }, () => ({ rows: [], offsets: [] })));
  }

  /** Where side `i`'s upstream plan writes (a join's sides; `data` is side 0). */
  side(i: number): { data(rows: Row[], kinds?: RowKind[]): void; watermark(time?: number): void } {
    return { data: (rows) => this.write(i, rows), watermark: () => this.watermark() };
  }

  /** The source batch whose rows follow (their split). */
  begin(split: string): void {
    this.split = split;
  }

  /** The upstream plan's output rows (append-only: the upstream half is stateless over a Kafka scan). */
  data(rows: Row[], _kinds?: RowKind[]): void {
    this.write(0, rows);
  }

  private write(side: number, rows: Row[]): void {
    const { partitions } = this.o;
    const { key, offsetIndex } = this.sides[side]!;
    // With two sides, one source row may reach both (a self-join over bare scans): each side gets a copy.
    const shared = this.sides.length > 1;
    for (const input of rows) {
      const offset = input[offsetIndex] as number;
      const row = shared ? input.slice() : input;
      row.splice(offsetIndex, 1);
      const b = this.buffers[side]![partitionOf(key(row), partitions)]!;
      b.rows.push(row);
      b.offsets.push(offset);
    }
  }

  /** The source batch has gone through the upstream plan: its rows become one message per partition. */
  end(): void {
    this.buffers.forEach((buffers, side) =>
      buffers.forEach((b, partition) => {
        if (b.rows.length === 0) return;
        for (let i = 0; i < b.rows.length; i += ROWS_PER_MESSAGE) {
          const rows = b.rows.slice(i, i + ROWS_PER_MESSAGE);
          const o = b.offsets.slice(i, i + ROWS_PER_MESSAGE);
          this.enqueue({ partition, value: serialize(side === 0 ? { s: this.split, o, r: rows } : { s: this.split, o, r: rows, t: side }) }, rows.length);
        }
        b.rows = [];
        b.offsets = [];
      }),
    );
  }

  /**
   * The upstream plan's watermark moved. What is written is the task's own promise over the splits it has
   * delivered from (a split just moved here and not read yet would otherwise hold every task back, or be
   * promised past rows it still has): every partition hears it, after the rows written before it.
   */
  watermark(_time?: number): void {
    this.end();
    this.report(false);
  }

  /** Writes the task's watermark when it moved (at most once per watermark interval unless forced). */
  report(force: boolean, now = Date.now()): void {
    const { wm, splits } = this.o.promise();
    if (wm === -Infinity || wm === Infinity || splits.length === 0) return;
    // A split newly delivered from must be announced even when it lowers the task's minimum.
    const covers = splits.join(',');
    if (!(wm > this.reported) && covers === this.covered) return;
    if (!force && now - this.reportedAt < this.o.intervalMs) return;
    this.end();
    // What was last sent, not the highest ever: a split newly delivered from can lower the promise (its
    // first rows are older), and when the promise climbs back the new split must hear it. Keeping the
    // maximum here left a split taken over from a dead process at its first batch's time for good (the
    // downstream keeps the highest per split, so a lower promise costs nothing there).
    this.reported = wm;
    this.covered = covers;
    this.reportedAt = now;
    const value = serialize({ w: wm, s: splits, n: this.o.totalSplits });
    for (let partition = 0; partition < this.o.partitions; partition++) this.enqueue({ partition, value }, 0);
  }

  /** Rows written but not yet acknowledged (backpressure and checkpoints). */
  pending(): number {
    return this.queuedRows + this.inFlightRows;
  }

  /** Resolves when everything written so far is acknowledged; rejects when a write failed. */
  async flush(): Promise<void> {
    this.end();
    while (this.sending) await this.sending;
    if (this.failure) throw this.failure;
  }

  private enqueue(m: Message, rows: number): void {
    this.queue.push(m);
    this.queuedRows += rows;
    this.sending ??= this.sendLoop();
  }

  /** One sender: everything queued goes out in one bounded send, then the next batch (order per partition holds). */
  private async sendLoop(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.failure) {
        const messages = this.queue;
        const rows = this.queuedRows;
        this.queue = [];
        this.queuedRows = 0;
        this.inFlightRows = rows;
        try {
          await sendBounded(this.o.producer, this.o.topic, messages, { maxMessageBytes: EXCHANGE_MAX_MESSAGE_BYTES, maxRequestBytes: 1024 * 1024 });
          this.o.onRows?.(rows);
        } catch (e) {
          this.failure = externalError(`cannot write ${rows} row(s) to the repartition topic ${this.o.topic}: ${(e as Error).message}`, { cause: e, retriable: mayRetry(e) });
          this.o.logger.error(this.failure.message);
        } finally {
          this.inFlightRows = 0;
        }
      }
    } finally {
      this.sending = undefined;
    }
  }
}
