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
  /** Dropped by idle-state retention; expiry skips it. Never in a snapshot. */
  dropped?: boolean;
}

interface KeyRows {
  rows: Buffered[];
  touchedAt: number;
}

/**
 * One side's buffer: rows by key for probing, and the same rows for expiry in event-time order, so a
 * watermark costs only the rows it expires (not a scan of all state) and rows expire in event-time order
 * whatever order they arrived in. That order matters for outer joins: an unmatched row's NULL-padded output
 * is due when the watermark passes its bound; an arrival-order queue held an expired row back behind a live
 * one that arrived earlier, emitting it late (after the output watermark had passed it), and at a moment
 * that depended on how the partitions' rows interleaved (so a scaled-out run differed from one task).
 *
 * Rows mostly arrive in time order, so expiry keeps two structures: `queue`, the rows that arrived at or
 * after the latest time queued (sorted by construction, appended at no cost), and `late`, a min-heap of the
 * stragglers that arrived behind it. Expiry takes from whichever has the earlier row.
 */
class SideBuffer {
  readonly byKey: KeyedState<KeyRows>;
  private queue: Buffered[] = [];
  private head = 0;
  private tail = -Infinity;
  private late: Buffered[] = [];

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
    this.enqueue(b);
  }

  private enqueue(b: Buffered): void {
    if (b.time >= this.tail) {
      this.queue.push(b);
      this.tail = b.time;
    } else heapPush(this.late, b);
  }

  /** The earliest buffered row (dropped ones included), without removing it. */
  private first(): Buffered | undefined {
    const q = this.head < this.queue.length ? this.queue[this.head] : undefined;
    const h = this.late[0];
    return h && (!q || h.time < q.time) ? h : q;
  }

  expire(isExpired: (b: Buffered) => boolean, onDrop: (b: Buffered) => void): void {
    for (let b = this.first(); b && (b.dropped || isExpired(b)); b = this.first()) {
      if (b === this.late[0]) heapPop(this.late);
      else this.queue[this.head++] = undefined as unknown as Buffered;
      if (b.dropped) continue;
      const list = this.byKey.get(b.key)!.rows;
      const i = list[0] === b ? 0 : list.indexOf(b);
      if (i === 0) list.shift();
      else list.splice(i, 1);
      if (list.length === 0) this.byKey.delete(b.key);
      onDrop(b);
    }
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
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
    // The watermark may not be moving (that is when retention matters): compact now.
    if (dropped > 0) {
      const live = this.snapshot();
      this.resetOrder();
      for (const b of live) this.enqueue(b);
    }
  }

  /** Live rows: the in-order queue, then the stragglers (a restore re-adds them in this order). */
  snapshot(): Buffered[] {
    const live: Buffered[] = [];
    for (let i = this.head; i < this.queue.length; i++) if (!this.queue[i]!.dropped) live.push(this.queue[i]!);
    for (const b of this.late) if (!b.dropped) live.push(b);
    return live;
  }

  load(rows: Buffered[]): void {
    this.byKey.clear();
    this.resetOrder();
    for (const b of rows) this.add(b);
  }

  private resetOrder(): void {
    this.queue = [];
    this.head = 0;
    this.tail = -Infinity;
    this.late = [];
  }
}

/** Min-heap on `time` (the interval join's stragglers). */
function heapPush(h: Buffered[], b: Buffered): void {
  let i = h.length;
  h.push(b);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (h[parent]!.time <= b.time) break;
    h[i] = h[parent]!;
    i = parent;
  }
  h[i] = b;
}

function heapPop(h: Buffered[]): Buffered {
  const top = h[0]!;
  const last = h.pop()!;
  if (h.length > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]!.time < h[l]!.time ? r : l;
      if (h[c]!.time >= last.time) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
  return top;
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
