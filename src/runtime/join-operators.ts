import type { Row, RowKind } from '../core/types.js';
import { compileExpr, compilePredicate } from './expr/compile.js';
import type { BExpr } from '../plan/nodes.js';
import { joinKeyFunction } from './aggregates.js';
import { residualOnPair } from './join-residual.js';
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

/**
 * A buffered row as checkpoints hold it (StateSpec IntervalJoin v1). The live buffer keeps no such object per
 * row: `time` is the row's own time column, `key` sits beside the row in the expiry order, `matched` in a
 * set kept only by a side that emits its unmatched rows NULL-padded.
 */
interface SavedRow {
  row: Row;
  time: number;
  key: unknown;
  matched: boolean;
}

/**
 * The rows of one key: `row` while it holds one, `list` (in arrival order) from two on. `t` is the last
 * touch for idle-state retention, in ms after the buffer's clock base (a small integer, so V8 stores it in
 * the object rather than boxing an epoch time).
 */
class KeyRows {
  constructor(
    public row: Row | null,
    public list: Row[] | null,
    public t: number,
  ) {}
}

/**
 * What a key maps to. Without idle-state retention nothing per key needs recording but its rows, so a key
 * with one row (most keys of a join on unique order numbers) maps to the row itself; with retention every
 * key has a KeyRows for its touch time. Rows are arrays and KeyRows is not: `Array.isArray` tells them apart.
 */
type Entry = Row | KeyRows;

/**
 * One side's buffer: rows by key for probing, and the same rows for expiry in event-time order, so a
 * watermark costs only the rows it expires (not a scan of all state) and rows expire in event-time order
 * whatever order they arrived in. That order matters for outer joins: an unmatched row's NULL-padded output
 * is due when the watermark passes its bound; an arrival-order queue held an expired row back behind a live
 * one that arrived earlier, emitting it late (after the output watermark had passed it), and at a moment
 * that depended on how the partitions' rows interleaved (so a scaled-out run differed from one task).
 *
 * Rows mostly arrive in time order, so expiry keeps two structures: a queue of the rows that arrived at or
 * after the latest time queued (sorted by construction, appended at no cost), and a min-heap of the
 * stragglers that arrived behind it. Expiry takes from whichever has the earlier row. Both hold each row's
 * key in a parallel array (no object per row), so expiry finds the row's entry without computing its key.
 *
 * Entries are changed in place through `forUpdate`, as KeyedState asks of every operator. (A checkpoint
 * does not capture this KeyedState copy-on-write in any case: the operator's snapshot is a list of the rows,
 * built at the barrier and serialised there with the checkpoint's head, so later changes cannot reach it.)
 */
class SideBuffer {
  readonly byKey: KeyedState<Entry>;
  /** Idle-state retention is on: every key has a KeyRows carrying its touch time. */
  readonly retains: boolean;
  private readonly base: number;
  private readonly now: () => number;
  private qRows: Row[] = [];
  private qKeys: unknown[] = [];
  private head = 0;
  private tail = -Infinity;
  private hRows: Row[] = [];
  private hKeys: unknown[] = [];
  /**
   * Rows that joined at least once, on a side whose unmatched rows are emitted NULL-padded (an outer side);
   * null on an inner side, which needs no record per row. It goes by identity, so an outer side buffers a
   * copy of each row: the same row object can arrive twice (a UNION ALL of a table with itself), and each
   * arrival is a row of its own that may match differently (the first may have joined a row that expired
   * before the second came). The copy replaces the object per row the buffer used to hold.
   */
  readonly matched: Set<Row> | null;

  constructor(
    ctx: KeyedStateContext,
    /** The time column of this side's rows. */
    readonly ti: number,
    outer: boolean,
  ) {
    this.retains = ctx.retentionMs > 0;
    this.now = ctx.now;
    this.base = this.retains ? ctx.now() : 0;
    this.byKey = new KeyedState<Entry>(ctx, (e) => this.base + (e as KeyRows).t);
    this.matched = outer ? new Set() : null;
  }

  /** The touch time to record for `now` (the operator reads the clock once per batch). */
  stamp(now: number): number {
    return now - this.base;
  }

  /** The rows of key `k` (touching it: a probe keeps a key alive as an arrival does). */
  probe(k: unknown, t: number): Entry | undefined {
    if (!this.retains) return this.byKey.get(k);
    const e = this.byKey.forUpdate(k) as KeyRows | undefined;
    if (e !== undefined) e.t = t;
    return e;
  }

  /** Buffers `row` under `k`; `matched`: it joined already (on arrival). `t`: stamp(now). */
  add(row: Row, k: unknown, t: number, matched: boolean): void {
    if (this.matched !== null) {
      row = row.slice();
      if (matched) this.matched.add(row);
    }
    const e = this.byKey.forUpdate(k);
    if (e === undefined) this.byKey.set(k, this.retains ? new KeyRows(row, null, t) : row);
    else if (Array.isArray(e)) this.byKey.set(k, new KeyRows(null, [e, row], 0));
    else {
      if (e.list !== null) e.list.push(row);
      else {
        e.list = [e.row!, row];
        e.row = null;
      }
      e.t = t;
    }
    this.enqueue(row, k);
  }

  private enqueue(row: Row, k: unknown): void {
    const time = row[this.ti] as number;
    if (time >= this.tail) {
      this.qRows.push(row);
      this.qKeys.push(k);
      this.tail = time;
    } else heapPush(this.hRows, this.hKeys, this.ti, row, k);
  }

  /** Takes `row` (queued under `k`) out of its key's entry. */
  private remove(row: Row, k: unknown): void {
    const e = this.byKey.forUpdate(k)!;
    // A key's single row is the row expiring: each queued row is in its key's entry once per time queued.
    if (Array.isArray(e) || e.list === null) {
      this.byKey.delete(k);
      return;
    }
    const list = e.list;
    const i = list[0] === row ? 0 : list.indexOf(row);
    if (i === 0) list.shift();
    else list.splice(i, 1);
    if (list.length > 1) return;
    // Back to one row: no list for it.
    if (this.retains) {
      e.row = list[0]!;
      e.list = null;
    } else this.byKey.set(k, list[0]!);
  }

  /**
   * Drops, earliest first, the rows whose time + `offset` is below `wm`; `unmatched` gets those of an outer
   * side that never joined.
   */
  expire(wm: number, offset: number, unmatched: (row: Row) => void): void {
    const ti = this.ti;
    for (;;) {
      const q = this.head < this.qRows.length ? this.qRows[this.head]! : undefined;
      const h = this.hRows.length > 0 ? this.hRows[0]! : undefined;
      let row: Row;
      let k: unknown;
      if (h !== undefined && (q === undefined || (h[ti] as number) < (q[ti] as number))) {
        if (!((h[ti] as number) + offset < wm)) break;
        row = h;
        k = this.hKeys[0];
        heapPop(this.hRows, this.hKeys, ti);
      } else if (q !== undefined) {
        if (!((q[ti] as number) + offset < wm)) break;
        row = q;
        k = this.qKeys[this.head];
        // Let go of the row (the slots are reclaimed when the queue is compacted).
        this.qRows[this.head] = undefined as unknown as Row;
        this.qKeys[this.head++] = undefined;
      } else break;
      this.remove(row, k);
      if (this.matched !== null && !this.matched.delete(row)) unmatched(row);
    }
    if (this.head > 4096 && this.head * 2 > this.qRows.length) {
      this.qRows = this.qRows.slice(this.head);
      this.qKeys = this.qKeys.slice(this.head);
      this.head = 0;
    }
  }

  /** Drops keys idle for the retention time with their rows; `unmatched` as for expire(). */
  expireIdle(unmatched: (row: Row) => void): void {
    const matched = this.matched;
    const dropped = this.byKey.expireIdle((_k, e) => {
      if (matched === null) return;
      for (const row of rowsOf(e)) if (!matched.delete(row)) unmatched(row);
    });
    if (dropped === 0) return;
    // The watermark may not be moving (that is when retention matters): take the dropped keys' rows out of
    // the expiry order now. A queued key no longer in the state was dropped just now.
    const rows: Row[] = [];
    const keys: unknown[] = [];
    this.each((row, k) => {
      if (!this.byKey.has(k)) return;
      rows.push(row);
      keys.push(k);
    });
    this.resetOrder();
    for (let i = 0; i < rows.length; i++) this.enqueue(rows[i]!, keys[i]);
  }

  /** Buffered rows (for tests and metrics). */
  size(): number {
    return this.qRows.length - this.head + this.hRows.length;
  }

  /** Every buffered row: the in-order queue, then the stragglers (a restore re-adds them in this order). */
  private each(f: (row: Row, k: unknown) => void): void {
    for (let i = this.head; i < this.qRows.length; i++) f(this.qRows[i]!, this.qKeys[i]);
    for (let i = 0; i < this.hRows.length; i++) f(this.hRows[i]!, this.hKeys[i]);
  }

  snapshot(): SavedRow[] {
    const saved: SavedRow[] = [];
    const ti = this.ti;
    const matched = this.matched;
    this.each((row, key) => saved.push({ row, time: row[ti] as number, key, matched: matched !== null && matched.has(row) }));
    return saved;
  }

  load(rows: readonly SavedRow[]): void {
    this.byKey.clear();
    this.resetOrder();
    this.matched?.clear();
    const t = this.retains ? this.stamp(this.now()) : 0;
    // The NULL key was one object when saved and is one again after a restore, but not this process's.
    for (const b of rows) this.add(b.row, typeof b.key === 'object' && b.key !== null ? NULL_KEY : b.key, t, b.matched);
  }

  private resetOrder(): void {
    this.qRows = [];
    this.qKeys = [];
    this.head = 0;
    this.tail = -Infinity;
    this.hRows = [];
    this.hKeys = [];
  }
}

/** The rows of an entry, in arrival order. */
function rowsOf(e: Entry): readonly Row[] {
  if (Array.isArray(e)) return [e];
  return e.list ?? [e.row!];
}

/** Min-heap on each row's time column `ti` (the interval join's stragglers), keys kept alongside. */
function heapPush(rows: Row[], keys: unknown[], ti: number, row: Row, k: unknown): void {
  const time = row[ti] as number;
  let i = rows.length;
  rows.push(row);
  keys.push(k);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if ((rows[parent]![ti] as number) <= time) break;
    rows[i] = rows[parent]!;
    keys[i] = keys[parent];
    i = parent;
  }
  rows[i] = row;
  keys[i] = k;
}

function heapPop(rows: Row[], keys: unknown[], ti: number): void {
  const last = rows.pop()!;
  const lastKey = keys.pop();
  const n = rows.length;
  if (n === 0) return;
  const time = last[ti] as number;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && (rows[r]![ti] as number) < (rows[l]![ti] as number) ? r : l;
    if ((rows[c]![ti] as number) >= time) break;
    rows[i] = rows[c]!;
    keys[i] = keys[c];
    i = c;
  }
  rows[i] = last;
  keys[i] = lastKey;
}

export class IntervalJoinOperator implements Operator {
  readonly name = 'IntervalJoin';
  readonly stateSpec: StateSpec = { kind: 'IntervalJoin', version: 1 };
  private readonly leftKey: (r: Row) => unknown;
  private readonly rightKey: (r: Row) => unknown;
  /** The rest of the ON condition, tested on a left and a right row before they are joined. */
  private readonly residualHolds: ((l: Row, r: Row) => boolean) | null;
  private readonly left: SideBuffer;
  private readonly right: SideBuffer;
  private readonly now: () => number;
  private watermark = -Infinity;
  private late = 0;
  private readonly out: Output;
  private readonly hooks: OperatorHooks;
  private readonly padLeft: (row: Row) => void;
  private readonly padRight: (row: Row) => void;
  /** Where a watermark's NULL-padded rows go (the callbacks above are made once, not per watermark). */
  private padded: Row[] = [];

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
    this.now = ctx.now;
    const { joinType, leftWidth, rightWidth } = spec;
    this.left = new SideBuffer(ctx, spec.leftTime, joinType === 'LEFT' || joinType === 'FULL');
    this.right = new SideBuffer(ctx, spec.rightTime, joinType === 'RIGHT' || joinType === 'FULL');
    this.leftKey = joinKeyFunction(spec.leftKeys.map(compileExpr));
    this.rightKey = joinKeyFunction(spec.rightKeys.map(compileExpr));
    this.residualHolds = spec.residual ? residualOnPair(compilePredicate(spec.residual), spec.leftWidth, spec.rightWidth) : null;
    this.padLeft = (row) => void this.padded.push(row.concat(new Array(rightWidth).fill(null)));
    this.padRight = (row) => void this.padded.push(new Array(leftWidth).fill(null).concat(row));
  }

  process(rows: Row[], _kinds: RowKind[] | undefined, input: number): void {
    const out: Row[] = [];
    const { lower, upper } = this.spec;
    const fromLeft = input === 0;
    const self = fromLeft ? this.left : this.right;
    const other = fromLeft ? this.right : this.left;
    const keyOf = fromLeft ? this.leftKey : this.rightKey;
    const ti = self.ti;
    const oti = other.ti;
    const inner = this.spec.joinType === 'INNER';
    // A row's bound: a left row can still match right rows up to its time + upper, a right row left rows
    // down to its time - lower; past the watermark, an inner join drops it as late.
    const reach = fromLeft ? upper : -lower;
    const watermark = this.watermark;
    // One clock read per batch: idle-state retention counts in minutes.
    const stamp = self.retains ? self.stamp(this.now()) : 0;
    let lateRows: Row[] | undefined;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const t = row[ti] as number;
      if (inner && t + reach < watermark) {
        (lateRows ??= []).push(row);
        continue;
      }
      const k = keyOf(row);
      if (k === null) {
        // A NULL key matches nothing; an outer side still emits the row NULL-padded when it expires.
        if (self.matched !== null) self.add(row, NULL_KEY, stamp, false);
        continue;
      }
      const e = other.probe(k, stamp);
      let hit = false;
      if (e !== undefined) {
        if (Array.isArray(e)) hit = this.pair(row, t, e, oti, fromLeft, other, out);
        else if (e.list === null) hit = this.pair(row, t, e.row!, oti, fromLeft, other, out);
        else {
          const list = e.list;
          for (let j = 0; j < list.length; j++) if (this.pair(row, t, list[j]!, oti, fromLeft, other, out)) hit = true;
        }
      }
      self.add(row, k, stamp, hit);
    }
    if (lateRows !== undefined) {
      this.late += lateRows.length;
      this.hooks.late(lateRows, { input, watermark });
    }
    if (out.length) this.out.data(out);
  }

  /** Joins the arriving `row` (time `t`) with the buffered `c` of the other side when their times fit. */
  private pair(row: Row, t: number, c: Row, oti: number, fromLeft: boolean, other: SideBuffer, out: Row[]): boolean {
    const d = fromLeft ? (c[oti] as number) - t : t - (c[oti] as number);
    if (!(d >= this.spec.lower && d <= this.spec.upper)) return false;
    if (this.residualHolds !== null && !(fromLeft ? this.residualHolds(row, c) : this.residualHolds(c, row))) return false;
    other.matched?.add(c);
    out.push(fromLeft ? row.concat(c) : c.concat(row));
    return true;
  }

  onWatermark(time: number): void {
    this.watermark = time;
    const { lower, upper } = this.spec;
    this.padded = [];
    this.expireIdle();
    // A left row can still match right rows with time <= l.time + upper; those arrive only while the
    // watermark is below that. Symmetrically, a right row matches left rows with time >= r.time - lower.
    this.left.expire(time, upper, this.padLeft);
    this.right.expire(time, -lower, this.padRight);
    if (this.padded.length) this.out.data(this.padded);
    this.padded = [];
    // Flink holds the output back by max(-lower, upper): a row may still join (and be emitted) that much later.
    this.out.watermark(time - Math.max(0, upper, -lower));
  }

  onBatchEnd(): void {
    this.padded = [];
    this.expireIdle();
    if (this.padded.length) this.out.data(this.padded);
    this.padded = [];
  }

  /** Idle-state retention: keys untouched for the retention time go, as if the watermark had passed them. */
  private expireIdle(): void {
    if (!this.left.retains) return;
    this.left.expireIdle(this.padLeft);
    this.right.expireIdle(this.padRight);
  }

  /** Buffered rows per side (for tests and metrics). */
  stateSize(): [number, number] {
    return [this.left.size(), this.right.size()];
  }

  lateCount(): number {
    return this.late;
  }

  snapshot(): unknown {
    return { left: this.left.snapshot(), right: this.right.snapshot(), watermark: this.watermark };
  }

  restore(state: unknown): void {
    const s = state as { left: SavedRow[]; right: SavedRow[]; watermark: number };
    this.left.load(s.left);
    this.right.load(s.right);
    this.watermark = s.watermark;
  }
}
