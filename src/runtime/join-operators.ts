import type { Row, RowKind } from '../core/types.js';
import { compileExpr, compilePredicate } from './expr/compile.js';
import type { BExpr } from '../plan/nodes.js';
import { joinKeyFunction } from './aggregates.js';
import type { Operator, OperatorContext, OperatorHooks, Output } from './operator.js';
import { KeyedState, type KeyedStateContext } from './state/keyed-state.js';
import type { StateSpec } from './state/versioned.js';

/**
 * Interval join: left row l and right row r join when their keys are equal and
 * r.time - l.time is within [lower, upper]. Both sides are buffered by key and trimmed as event time passes.
 * The output watermark is held back by max(0, upper, -lower), as Flink does: a row can still be joined and
 * emitted that long after its own time has passed the input watermark.
 *
 * Idle-state retention (FLINK_RETENTION_IDLE_STATE_MINUTE) bounds the buffers too, as docs/configuration.md
 * promises for joins: a key that no row of either side has touched for the retention time (processing time)
 * is dropped with its rows, as if the watermark had passed them (an outer side's unmatched rows are emitted
 * NULL-padded). Without it, a side whose watermark stops (an idle or empty input) would buffer the other
 * side forever. Flink bounds interval joins by event time only; Dirk adds this bound.
 */
/** Buffer key of rows with a NULL join key: an object no lookup can produce, so they never match. */
const NULL_KEY = {};

interface Buffered {
  row: Row;
  time: number;
  key: unknown;
  matched: boolean;
  /** Dropped by idle-state retention; the arrival queue skips it. Never in a snapshot. */
  dropped?: boolean;
}

interface KeyRows {
  rows: Buffered[];
  touchedAt: number;
}

/**
 * One side's buffer: rows by key for probing, and the same rows in arrival order for expiry, so a watermark
 * costs only the rows it expires (not a scan of all state). Rows arrive roughly in time order; an expired row
 * behind a live one waits a little longer, which is harmless because every match re-checks the time bound.
 */
class SideBuffer {
  readonly byKey: KeyedState<KeyRows>;
  queue: Buffered[] = [];
  head = 0;

  private readonly now: () => number;

  constructor(ctx: KeyedStateContext) {
    this.now = ctx.now;
    this.byKey = new KeyedState(ctx);
  }

  /** The rows of key `k` (touching it: a probe keeps a key alive as an arrival does). */
  probe(k: unknown): Buffered[] | undefined {
    const e = this.byKey.get(k);
    if (!e) return undefined;
    e.touchedAt = this.now();
    return e.rows;
  }

  add(b: Buffered): void {
    const e = this.byKey.get(b.key);
    if (e) {
      e.rows.push(b);
      e.touchedAt = this.now();
    } else this.byKey.set(b.key, { rows: [b], touchedAt: this.now() });
    this.queue.push(b);
  }

  expire(isExpired: (b: Buffered) => boolean, onDrop: (b: Buffered) => void): void {
    const q = this.queue;
    while (this.head < q.length && (q[this.head]!.dropped || isExpired(q[this.head]!))) {
      const b = q[this.head]!;
      q[this.head++] = undefined as unknown as Buffered;
      if (b.dropped) continue;
      const list = this.byKey.get(b.key)!.rows;
      const i = list[0] === b ? 0 : list.indexOf(b);
      if (i === 0) list.shift();
      else list.splice(i, 1);
      if (list.length === 0) this.byKey.delete(b.key);
      onDrop(b);
    }
    if (this.head > 4096 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
  }

  /** Drops keys idle for the retention time with their rows (they leave the queue when it reaches them). */
  expireIdle(onDrop: (b: Buffered) => void): void {
    const dropped = this.byKey.expireIdle((_k, e) => {
      for (const b of e.rows) {
        b.dropped = true;
        onDrop(b);
      }
    });
    // The watermark may not be moving (that is when retention matters): compact the queue now.
    if (dropped > 0) {
      this.queue = this.snapshot();
      this.head = 0;
    }
  }

  snapshot(): Buffered[] {
    const live: Buffered[] = [];
    for (let i = this.head; i < this.queue.length; i++) if (!this.queue[i]!.dropped) live.push(this.queue[i]!);
    return live;
  }

  load(rows: Buffered[]): void {
    this.byKey.clear();
    this.queue = [];
    this.head = 0;
    for (const b of rows) this.add(b);
  }
}

export class IntervalJoinOperator implements Operator {
  readonly name = 'IntervalJoin';
  readonly stateSpec: StateSpec = { kind: 'IntervalJoin', version: 1 };
  private readonly leftKey: (r: Row) => unknown;
  private readonly rightKey: (r: Row) => unknown;
  private readonly residual: ((r: Row) => boolean) | null;
  private readonly left: SideBuffer;
  private readonly right: SideBuffer;
  private watermark = -Infinity;
  private late = 0;
  private readonly out: Output;
  private readonly hooks: OperatorHooks;

  constructor(
    private readonly spec: {
      joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
      leftKeys: readonly BExpr[];
      rightKeys: readonly BExpr[];
      leftTime: number;
      rightTime: number;
      lower: number;
      upper: number;
      residual: BExpr | null;
      leftWidth: number;
      rightWidth: number;
    },
    ctx: OperatorContext,
  ) {
    this.out = ctx.out;
    this.hooks = ctx.hooks;
    this.left = new SideBuffer(ctx);
    this.right = new SideBuffer(ctx);
    this.leftKey = joinKeyFunction(spec.leftKeys.map(compileExpr));
    this.rightKey = joinKeyFunction(spec.rightKeys.map(compileExpr));
    this.residual = spec.residual ? compilePredicate(spec.residual) : null;
  }

  process(rows: Row[], _kinds: RowKind[] | undefined, input: number): void {
    const out: Row[] = [];
    const { lower, upper } = this.spec;
    const lateRows: Row[] = [];
    if (input === 0) {
      for (const l of rows) {
        const t = l[this.spec.leftTime] as number;
        if (t + upper < this.watermark && this.spec.joinType === 'INNER') {
          lateRows.push(l);
          continue;
        }
        const k = this.leftKey(l);
        if (k === null) {
          // A NULL key matches nothing; an outer join still emits the row NULL-padded when it expires.
          if (this.spec.joinType === 'LEFT' || this.spec.joinType === 'FULL') this.left.add({ row: l, time: t, key: NULL_KEY, matched: false });
          continue;
        }
        const b: Buffered = { row: l, time: t, key: k, matched: false };
        const candidates = this.right.probe(k);
        if (candidates) {
          for (const r of candidates) {
            const d = r.time - t;
            if (d >= lower && d <= upper) this.emit(b, r, out);
          }
        }
        this.left.add(b);
      }
    } else {
      for (const r of rows) {
        const t = r[this.spec.rightTime] as number;
        if (t - lower < this.watermark && this.spec.joinType === 'INNER') {
          lateRows.push(r);
          continue;
        }
        const k = this.rightKey(r);
        if (k === null) {
          if (this.spec.joinType === 'RIGHT' || this.spec.joinType === 'FULL') this.right.add({ row: r, time: t, key: NULL_KEY, matched: false });
          continue;
        }
        const b: Buffered = { row: r, time: t, key: k, matched: false };
        const candidates = this.left.probe(k);
        if (candidates) {
          for (const l of candidates) {
            const d = t - l.time;
            if (d >= lower && d <= upper) this.emit(l, b, out);
          }
        }
        this.right.add(b);
      }
    }
    if (lateRows.length) {
      this.late += lateRows.length;
      this.hooks.late(lateRows, { input, watermark: this.watermark });
    }
    if (out.length) this.out.data(out);
  }

  private emit(l: Buffered, r: Buffered, out: Row[]): void {
    const joined = l.row.concat(r.row);
    if (this.residual && !this.residual(joined)) return;
    l.matched = true;
    r.matched = true;
    out.push(joined);
  }

  onWatermark(time: number): void {
    this.watermark = time;
    const { lower, upper, joinType, leftWidth, rightWidth } = this.spec;
    const out: Row[] = [];
    this.expireIdle(out);
    // A left row can still match right rows with time <= l.time + upper; those arrive only while the
    // watermark is below that. Symmetrically for right rows and l.time >= r.time - upper... - lower.
    this.left.expire(
      (b) => b.time + upper < time,
      (b) => {
        if (!b.matched && (joinType === 'LEFT' || joinType === 'FULL')) out.push(b.row.concat(new Array(rightWidth).fill(null)));
      },
    );
    this.right.expire(
      (b) => b.time - lower < time,
      (b) => {
        if (!b.matched && (joinType === 'RIGHT' || joinType === 'FULL')) out.push(new Array(leftWidth).fill(null).concat(b.row));
      },
    );
    if (out.length) this.out.data(out);
    // Flink holds the output back by max(-lower, upper): a row may still join (and be emitted) that much later.
    this.out.watermark(time - Math.max(0, upper, -lower));
  }

  onBatchEnd(): void {
    const out: Row[] = [];
    this.expireIdle(out);
    if (out.length) this.out.data(out);
  }

  /** Idle-state retention: keys untouched for the retention time go, as if the watermark had passed them. */
  private expireIdle(out: Row[]): void {
    const { joinType, leftWidth, rightWidth } = this.spec;
    this.left.expireIdle((b) => {
      if (!b.matched && (joinType === 'LEFT' || joinType === 'FULL')) out.push(b.row.concat(new Array(rightWidth).fill(null)));
    });
    this.right.expireIdle((b) => {
      if (!b.matched && (joinType === 'RIGHT' || joinType === 'FULL')) out.push(new Array(leftWidth).fill(null).concat(b.row));
    });
  }

  /** Buffered rows per side (for tests and metrics). */
  stateSize(): [number, number] {
    return [this.left.snapshot().length, this.right.snapshot().length];
  }

  lateCount(): number {
    return this.late;
  }

  snapshot(): unknown {
    return { left: this.left.snapshot(), right: this.right.snapshot(), watermark: this.watermark };
  }

  restore(state: unknown): void {
    const s = state as { left: Buffered[]; right: Buffered[]; watermark: number };
    this.left.load(s.left);
    this.right.load(s.right);
    this.watermark = s.watermark;
  }
}
