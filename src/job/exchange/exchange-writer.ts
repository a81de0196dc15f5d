/**
 * The upstream half of an exchange: rows of the stateless part of the plan, written to the repartition
 * topic partitioned by the operator key, and the task's watermark written to every partition of it.
 *
 * Message values are v8-serialised (structured clone: BIGINT beyond 2^53, DECIMAL, maps and byte arrays
 * survive) records of one of two shapes:
 *   data:    { s: source split, o: source offsets (one per row), r: rows, t?: side, k?: row kinds }   all
 *            rows of one delivered source batch (and one side of a join: t = 1 for the right side, absent
 *            for the left or only side) that hash to this partition, in order. Rows of another stage's
 *            output (a keyed operator below, a chain of exchanges) have no source offsets (no `o`) and
 *            carry their row kinds (`k`: +I, -U, +U, -D) when any is not an insert
 *   partial: { s: source split, lo, hi: lowest and highest source offset folded, n: rows folded, p: partial
 *            rows, m?: 1 when more partial messages of the same rows follow }   two-phase aggregation: the
 *            rows of one delivered source batch folded per (pane, key) (local-window-aggregate.ts), the
 *            partials that hash to this partition
 *   control: { w: watermark, s: the source splits it covers, n: how many source splits the job reads }
 * A partition receives an upstream task's rows before that task's watermark, since one sender writes
 * every message in order.
 */
import { serialize } from 'node:v8';
import type { Message } from 'kafkajs';
import { RowKind, type Row } from '../../core/types.js';
import { externalError, mayRetry } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { BExpr } from '../../plan/nodes.js';
import { compileProjection } from '../../runtime/expr/compile.js';
import { sendBounded, type SendingProducer } from '../../connectors/kafka/bounded-send.js';
import { partitionOf } from './exchange-hash.js';
import { LocalWindowAggregator, type LocalAggregateSpec } from '../../runtime/local-window-aggregate.js';

/** Rows per data message (a source batch of many rows for one partition is cut into several). */
const ROWS_PER_MESSAGE = 2000;
/** Two-phase: rows folded into held partials before they are written whatever the time (bounds the memory held). */
const MAX_HELD_ROWS = 200_000;
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
   * side's rows arrive through `side(i)` and their messages carry the side. An offset column below 0: the
   * side is another stage's output (no source offsets; row kinds travel).
   */
  readonly sides?: readonly { readonly keys: readonly BExpr[]; readonly offsetIndex: number }[];
  /** The watermark this task can promise, and the source splits it covers (those it has delivered from). */
  readonly promise: () => { readonly wm: number; readonly splits: readonly string[] };
  /** FLINK_WATERMARK_INTERVAL_MS: the most often a watermark is written. */
  readonly intervalMs: number;
  /** Source splits of the whole job: the downstream waits for a watermark of each. */
  readonly totalSplits: number;
  readonly logger: Logger;
  /** Rows written (dirk_exchange_records_out_total; a partial counts the rows it folded). */
  readonly onRows?: (n: number) => void;
  /**
   * Two-phase aggregation (one side only): the window aggregate whose rows are folded into partials per
   * source batch before they are written.
   */
  readonly local?: LocalAggregateSpec;
  /**
   * Two-phase: the lowest source offset of a split whose rows may travel as partials (rows below it are
   * written as rows, each with its offset). Partials are dropped downstream only whole, so they must never
   * cover offsets another writer (a split's earlier owner, or this task before a restart) may have written.
   */
  readonly partialsFrom?: (split: string) => number;
}

export class ExchangeWriter {
  /** Per side: its key and offset column. */
  private readonly sides: readonly { readonly key: (r: Row) => unknown[]; readonly offsetIndex: number }[];
  private split = '';
  /** Per side, per partition. */
  private buffers: { rows: Row[]; offsets: number[]; kinds: RowKind[] | undefined }[][];
  private queue: Message[] = [];
  private queuedRows = 0;
  private inFlightRows = 0;
  private sending: Promise<void> | undefined;
  private failure: Error | undefined;
  /** The watermark last sent, and the splits it covered. */
  private reported = -Infinity;
  private covered = '';
  private reportedAt = 0;
  /**
   * Two-phase: per source split, the rows folded since the partials were last written, and the source
   * offsets they span. Held across source batches for up to the watermark interval (one message per
   * partition and interval instead of one per source batch: fewer, fuller partials, fewer requests to the
   * broker on both sides of the exchange), and always written before a watermark and at a flush.
   */
  private readonly held = new Map<string, { readonly agg: LocalWindowAggregator; lo: number; hi: number }>();
  private current: { readonly agg: LocalWindowAggregator; lo: number; hi: number } | undefined;
  private localFrom = -Infinity;
  private heldRows = 0;
  private heldSince = 0;

  constructor(private readonly o: ExchangeWriterOptions) {
    this.sides = (o.sides ?? [{ keys: o.keys, offsetIndex: o.offsetIndex }]).map((s) => ({ key: compileProjection(s.keys), offsetIndex: s.offsetIndex }));
    this.buffers = this.sides.map(() => Array.from({ length: o.partitions }, () => ({ rows: [], offsets: [], kinds: undefined })));
  }

  /** Two-phase (a window aggregate whose calls merge, one side). */
  private get local(): LocalAggregateSpec | undefined {
    return this.sides.length === 1 ? this.o.local : undefined;
  }

  /** Where side `i`'s upstream plan writes (a join's sides; `data` is side 0). */
  side(i: number): { data(rows: Row[], kinds?: RowKind[]): void; watermark(time?: number): void } {
    return { data: (rows, kinds) => this.write(i, rows, kinds), watermark: () => this.watermark() };
  }

  /** The source batch whose rows follow (their split). */
  begin(split: string): void {
    this.split = split;
    const local = this.local;
    if (!local) return;
    this.localFrom = this.o.partialsFrom?.(split) ?? -Infinity;
    let h = this.held.get(split);
    if (!h) this.held.set(split, (h = { agg: new LocalWindowAggregator(local), lo: Infinity, hi: -Infinity }));
    this.current = h;
  }

  /** The upstream plan's output rows (append-only: the upstream half is stateless over a Kafka scan). */
  data(rows: Row[], kinds?: RowKind[]): void {
    this.write(0, rows, kinds);
  }

  private write(side: number, rows: Row[], kinds?: RowKind[]): void {
    if (this.local) return this.fold(rows);
    const { partitions } = this.o;
    const { key, offsetIndex } = this.sides[side]!;
    if (offsetIndex < 0) return this.writeChanges(side, rows, kinds);
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

  /** Another stage's output rows: no source offset to take off, and each row's kind goes with it. */
  private writeChanges(side: number, rows: Row[], kinds?: RowKind[]): void {
    const { key } = this.sides[side]!;
    const { partitions } = this.o;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const b = this.buffers[side]![partitionOf(key(row), partitions)]!;
      const kind = kinds?.[i] ?? RowKind.Insert;
      // Kinds are kept only once a row is not an insert (an append-only stage's messages stay as they were).
      if (kind !== RowKind.Insert && !b.kinds) b.kinds = b.rows.map(() => RowKind.Insert);
      b.kinds?.push(kind);
      b.rows.push(row);
    }
  }

  /** Two-phase: rows at or above the split's `partialsFrom` are folded; those below go as rows. */
  private fold(rows: Row[]): void {
    const { offsetIndex } = this.sides[0]!;
    const from = this.localFrom;
    // Rows before any begin() (not through a source batch): a split of their own.
    const h = (this.current ??= { agg: new LocalWindowAggregator(this.o.local!), lo: Infinity, hi: -Infinity });
    if (!this.held.has(this.split)) this.held.set(this.split, h);
    let folded: Row[] | undefined;
    for (const row of rows) {
      const offset = row[offsetIndex] as number;
      if (offset < from) {
        row.splice(offsetIndex, 1);
        const b = this.buffers[0]![partitionOf(this.sides[0]!.key(row), this.o.partitions)]!;
        b.rows.push(row);
        b.offsets.push(offset);
        continue;
      }
      // Folded rows are read by position below the offset column: only one in the middle must go.
      if (offsetIndex < row.length - 1) row.splice(offsetIndex, 1);
      (folded ??= []).push(row);
      if (offset < h.lo) h.lo = offset;
      if (offset > h.hi) h.hi = offset;
    }
    if (!folded) return;
    const before = h.agg.rows;
    h.agg.add(folded);
    if (this.heldRows === 0) this.heldSince = Date.now();
    this.heldRows += h.agg.rows - before;
  }

  /**
   * Two-phase: every split's held partials, one message (or more, cut at ROWS_PER_MESSAGE) per split and
   * partition. `keep` (a rebalance): the splits still assigned; the others' held partials are dropped, as
   * their source positions are (their new owner re-reads those rows from the last committed offset).
   */
  endPartials(keep?: ReadonlySet<string>): void {
    if (this.heldRows === 0) return;
    for (const [split, h] of this.held) {
      if (keep && !keep.has(split)) {
        h.agg.drain();
        h.lo = Infinity;
        h.hi = -Infinity;
        continue;
      }
      this.writePartials(split, h);
    }
    this.heldRows = 0;
  }

  private writePartials(split: string, h: { readonly agg: LocalWindowAggregator; lo: number; hi: number }): void {
    const local = h.agg;
    if (local.rows === 0) return;
    const k = this.o.local!.keys.length;
    const byPartition = new Map<number, { rows: number; partials: Row[] }>();
    for (const partial of local.drain()) {
      const partition = partitionOf(partial.slice(0, k), this.o.partitions);
      let b = byPartition.get(partition);
      if (!b) byPartition.set(partition, (b = { rows: 0, partials: [] }));
      b.rows += partial[k + 1] as number;
      b.partials.push(partial);
    }
    const { lo, hi } = h;
    h.lo = Infinity;
    h.hi = -Infinity;
    for (const [partition, b] of byPartition) {
      for (let i = 0; i < b.partials.length; i += ROWS_PER_MESSAGE) {
        const p = b.partials.slice(i, i + ROWS_PER_MESSAGE);
        const last = i + ROWS_PER_MESSAGE >= b.partials.length;
        // The rows count travels with the last piece (the downstream moves its seen offset on that one).
        const n = last ? b.rows : 0;
        this.enqueue({ partition, value: serialize(last ? { s: split, lo, hi, n, p } : { s: split, lo, hi, n, p, m: 1 }) }, n);
      }
    }
  }

  /**
   * The source batch has gone through the upstream plan: its rows become one message per partition. Two-phase
   * partials wait for the watermark interval (or a watermark, or a flush), unless the interval is 0.
   */
  end(now = Date.now()): void {
    this.endRows();
    if (this.heldRows > 0 && (this.o.intervalMs <= 0 || now - this.heldSince >= this.o.intervalMs || this.heldRows >= MAX_HELD_ROWS)) this.endPartials();
  }

  /** Rows and partials held so far, all written (before a watermark, at a flush). */
  private endAll(): void {
    this.endRows();
    this.endPartials();
  }

  private endRows(): void {
    this.buffers.forEach((buffers, side) =>
      buffers.forEach((b, partition) => {
        if (b.rows.length === 0) return;
        const changes = this.sides[side]!.offsetIndex < 0;
        for (let i = 0; i < b.rows.length; i += ROWS_PER_MESSAGE) {
          const r = b.rows.slice(i, i + ROWS_PER_MESSAGE);
          const message: { s: string; r: Row[]; o?: number[]; t?: number; k?: RowKind[] } = { s: this.split, r };
          if (!changes) message.o = b.offsets.slice(i, i + ROWS_PER_MESSAGE);
          if (side !== 0) message.t = side;
          if (b.kinds) message.k = b.kinds.slice(i, i + ROWS_PER_MESSAGE);
          this.enqueue({ partition, value: serialize(message) }, r.length);
        }
        b.rows = [];
        b.offsets = [];
        b.kinds = undefined;
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
    // The periodic report also writes partials held since the last batch (input paused or ended).
    if (force) this.endAll();
    const { wm, splits } = this.o.promise();
    // +infinity is the end of input of every split covered (a bounded run scaled out): it crosses as well.
    if (wm === -Infinity || Number.isNaN(wm) || splits.length === 0) return;
    // A split newly delivered from must be announced even when it lowers the task's minimum.
    const covers = splits.join(',');
    if (!(wm > this.reported) && covers === this.covered) return;
    if (!force && now - this.reportedAt < this.o.intervalMs) return;
    // Everything the watermark covers goes first (after a split's rows its partials, whose offsets are higher).
    this.endAll();
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
    this.endAll();
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
