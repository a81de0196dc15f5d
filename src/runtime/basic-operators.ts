import { RowKind, type Row } from '../core/types.js';
import { compileExpr, compilePredicate, compileProjection } from './expr/compile.js';
import type { AggCall, BExpr } from '../plan/nodes.js';
import { createAccumulator, keyFunction, type Accumulator } from './aggregates.js';
import type { Operator, OperatorContext, Output } from './operator.js';
import { KeyedState } from './state/keyed-state.js';
import { OffHeapState, type OffHeapSnapshotRef } from './state/off-heap.js';
import type { StateSpec } from './state/versioned.js';

/** Stateless operators and the updating (non-windowed) GROUP BY. */

/** The input watermark a filter or projection has seen, for CURRENT_WATERMARK(): NULL before the first. */
class SeenWatermark {
  private time = -Infinity;
  readonly get = (): number | null => (Number.isFinite(this.time) ? this.time : null);
  constructor(private readonly out: Output) {}
  onWatermark(time: number): void {
    this.time = time;
    this.out.watermark(time);
  }
}

export class FilterOperator implements Operator {
  readonly name = 'Filter';
  private readonly pred: (r: Row) => boolean;
  private readonly out: Output;
  private readonly wm: SeenWatermark;
  constructor(spec: { readonly predicate: BExpr }, ctx: OperatorContext) {
    this.out = ctx.out;
    this.wm = new SeenWatermark(ctx.out);
    this.pred = compilePredicate(spec.predicate, ctx.now, this.wm.get);
  }
  onWatermark(time: number): void {
    this.wm.onWatermark(time);
  }
  process(rows: Row[], kinds: RowKind[] | undefined): void {
    const keep: Row[] = [];
    const keepKinds: RowKind[] | undefined = kinds ? [] : undefined;
    for (let i = 0; i < rows.length; i++) {
      if (this.pred(rows[i]!)) {
        keep.push(rows[i]!);
        keepKinds?.push(kinds![i]!);
      }
    }
    if (keep.length) this.out.data(keep, keepKinds);
  }
}

export class ProjectOperator implements Operator {
  readonly name = 'Project';
  private readonly fn: (r: Row) => unknown[];
  private readonly out: Output;
  private readonly wm: SeenWatermark;
  constructor(spec: { readonly exprs: readonly BExpr[] }, ctx: OperatorContext) {
    this.out = ctx.out;
    this.wm = new SeenWatermark(ctx.out);
    this.fn = compileProjection(spec.exprs, ctx.now, this.wm.get);
  }
  onWatermark(time: number): void {
    this.wm.onWatermark(time);
  }
  process(rows: Row[], kinds: RowKind[] | undefined): void {
    const fn = this.fn;
    const res = new Array<Row>(rows.length);
    for (let i = 0; i < rows.length; i++) res[i] = fn(rows[i]!);
    this.out.data(res, kinds);
  }
}

export class UnionOperator implements Operator {
  readonly name = 'Union';
  private readonly out: Output;
  constructor(_spec: Record<string, never>, ctx: OperatorContext) {
    this.out = ctx.out;
  }
  process(rows: Row[], kinds: RowKind[] | undefined): void {
    this.out.data(rows, kinds);
  }
}

interface GroupState {
  keys: unknown[];
  accs: unknown[];
  count: number;
  last: Row | null;
  touchedAt: number;
}

/**
 * Non-windowed GROUP BY: an updating result. Updates are coalesced per mini-batch (one source batch), as
 * Flink's mini-batch mode does: a key touched several times in a batch emits one -U/+U pair.
 * Idle groups are dropped after the idle-state retention time (FLINK_RETENTION_IDLE_STATE_MINUTE).
 */
export class GroupAggregateOperator implements Operator {
  readonly name = 'GroupAggregate';
  readonly stateSpec: StateSpec = { kind: 'GroupAggregate', version: 1 };
  private readonly keyFns: ((r: Row) => unknown)[];
  private readonly groupKey: (r: Row) => unknown;
  private readonly accs: Accumulator[];
  private readonly groups: KeyedState<GroupState> | OffHeapState<GroupState>;
  private readonly out: Output;
  readonly offHeap: boolean;
  private readonly now: () => number;
  private touched = new Set<unknown>();

  constructor(spec: { keys: readonly BExpr[]; aggs: readonly AggCall[]; updatingInput: boolean }, ctx: OperatorContext) {
    this.out = ctx.out;
    this.now = ctx.now;
    // FLINK_STATE_BACKEND_TYPE=rocksdb: the groups live in an LMDB store (runtime/state/off-heap.ts).
    this.groups = ctx.offHeap
      ? new OffHeapState<GroupState>({ dir: ctx.offHeap.dir, cacheEntries: ctx.offHeap.cacheEntries, retentionMs: ctx.retentionMs, now: ctx.now })
      : new KeyedState(ctx);
    this.offHeap = ctx.offHeap !== undefined;
    this.keyFns = spec.keys.map(compileExpr);
    this.groupKey = keyFunction(this.keyFns);
    this.accs = spec.aggs.map((a) => createAccumulator(a, spec.updatingInput));
  }

  process(rows: Row[], kinds: RowKind[] | undefined): void {
    const now = this.now();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const kind = kinds ? kinds[i]! : RowKind.Insert;
      const k = this.groupKey(row);
      let g = this.groups.forUpdate(k);
      const retract = kind === RowKind.UpdateBefore || kind === RowKind.Delete;
      if (!g) {
        if (retract) continue;
        g = { keys: this.keyFns.map((f) => f(row)), accs: this.accs.map((a) => a.create()), count: 0, last: null, touchedAt: now };
        this.groups.set(k, g);
      }
      g.touchedAt = now;
      if (retract) {
        g.count--;
        for (let a = 0; a < this.accs.length; a++) this.accs[a]!.retract(g.accs[a], row);
      } else {
        g.count++;
        for (let a = 0; a < this.accs.length; a++) this.accs[a]!.add(g.accs[a], row);
      }
      this.touched.add(k);
    }
  }

  onBatchEnd(): void {
    this.emitTouched();
    // Off-heap: the batch's changed groups are written to the store.
    if (this.groups instanceof OffHeapState) this.groups.endBatch();
  }

  private emitTouched(): void {
    if (this.touched.size === 0) return;
    const rows: Row[] = [];
    const kinds: RowKind[] = [];
    for (const k of this.touched) {
      const g = this.groups.forUpdate(k);
      if (!g) continue;
      if (g.count <= 0) {
        if (g.last) {
          rows.push(g.last);
          kinds.push(RowKind.Delete);
        }
        this.groups.delete(k);
        continue;
      }
      const row: Row = g.keys.slice();
      for (let a = 0; a < this.accs.length; a++) row.push(this.accs[a]!.result(g.accs[a]));
      if (g.last) {
        if (sameRow(g.last, row)) continue;
        rows.push(g.last, row);
        kinds.push(RowKind.UpdateBefore, RowKind.UpdateAfter);
      } else {
        rows.push(row);
        kinds.push(RowKind.Insert);
      }
      g.last = row;
    }
    this.touched.clear();
    if (rows.length) this.out.data(rows, kinds);
  }

  onWatermark(time: number): void {
    this.groups.expireIdle();
    this.out.watermark(time);
  }

  /** Heap: the KeyedState (captured copy-on-write); off-heap: the store, copied by the checkpoint store. */
  snapshot(): unknown {
    return { groups: this.groups };
  }

  /** A heap checkpoint holds a Map, an off-heap one a snapshot file: either restores into either backend. */
  restore(state: unknown): void {
    this.groups.load((state as { groups: Map<unknown, GroupState> | OffHeapSnapshotRef }).groups);
  }

  async close(): Promise<void> {
    if (this.groups instanceof OffHeapState) await this.groups.close();
  }
}

function sameRow(a: Row, b: Row): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'object' || typeof y === 'object') {
      if (JSON.stringify(x, big) !== JSON.stringify(y, big)) return false;
      continue;
    }
    return false;
  }
  return true;
}

function big(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v;
}
