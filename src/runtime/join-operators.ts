import type { Row, RowKind } from '../core/types.js';
import { compileExpr, compilePredicate } from './expr/compile.js';
import type { BExpr } from '../plan/nodes.js';
import { joinKeyFunction } from './aggregates.js';
import type { Operator, OperatorHooks, Output } from './operator.js';

/**
 * Interval join: left row l and right row r join when their keys are equal and
 * r.time - l.time is within [lower, upper]. Both sides are buffered by key and trimmed as event time passes.
 * The output watermark is held back by max(0, upper, -lower), as Flink does: a row can still be joined and
 * emitted that long after its own time has passed the input watermark.
 */
/** Buffer key of rows with a NULL join key: an object no lookup can produce, so they never match. */
const NULL_KEY = {};

interface Buffered {
  row: Row;
  time: number;
  key: unknown;
  matched: boolean;
}

/**
 * One side's buffer: rows by key for probing, and the same rows in arrival order for expiry, so a watermark
 * costs only the rows it expires (not a scan of all state). Rows arrive roughly in time order; an expired row
 * behind a live one waits a little longer, which is harmless because every match re-checks the time bound.
 */
class SideBuffer {
  byKey = new Map<unknown, Buffered[]>();
  queue: Buffered[] = [];
  head = 0;

  add(b: Buffered): void {
    const list = this.byKey.get(b.key);
    if (list) list.push(b);
    else this.byKey.set(b.key, [b]);
    this.queue.push(b);
  }

  expire(isExpired: (b: Buffered) => boolean, onDrop: (b: Buffered) => void): void {
    const q = this.queue;
    while (this.head < q.length && isExpired(q[this.head]!)) {
      const b = q[this.head]!;
      q[this.head++] = undefined as unknown as Buffered;
      const list = this.byKey.get(b.key)!;
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

  snapshot(): Buffered[] {
    return this.queue.slice(this.head);
  }

  static restore(rows: Buffered[]): SideBuffer {
    const s = new SideBuffer();
    for (const b of rows) s.add(b);
    return s;
  }
}

export class IntervalJoinOperator implements Operator {
  readonly name = 'IntervalJoin';
  private readonly leftKey: (r: Row) => unknown;
  private readonly rightKey: (r: Row) => unknown;
  private readonly residual: ((r: Row) => boolean) | null;
  private left = new SideBuffer();
  private right = new SideBuffer();
  private watermark = -Infinity;
  private late = 0;

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
    private readonly out: Output,
    private readonly hooks: OperatorHooks,
  ) {
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
        const candidates = this.right.byKey.get(k);
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
        const candidates = this.left.byKey.get(k);
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

  lateCount(): number {
    return this.late;
  }

  snapshot(): unknown {
    return { left: this.left.snapshot(), right: this.right.snapshot(), watermark: this.watermark };
  }

  restore(state: unknown): void {
    const s = state as { left: Buffered[]; right: Buffered[]; watermark: number };
    this.left = SideBuffer.restore(s.left);
    this.right = SideBuffer.restore(s.right);
    this.watermark = s.watermark;
  }
}
