import type { Row, RowKind } from '../core/types.js';
import { compileExpr } from './expr/compile.js';
import type { AggCall, BExpr, WindowAttachment } from '../plan/nodes.js';
import { createAccumulator, keyFunction, type Accumulator } from './aggregates.js';
import type { Operator, OperatorContext, OperatorHooks, Output } from './operator.js';
import { KeyedState } from './state/keyed-state.js';
import type { StateSpec } from './state/versioned.js';

/**
 * A GROUP BY whose keys include the window_start and window_end of a windowed input (Flink's cascaded
 * window aggregation, e.g. the maximum of per-auction window counts per window in Nexmark q5). Each group
 * belongs to one window, so it is final when the watermark passes the window's end: it is emitted once, as
 * an insert, and forgotten. Rows of a window that has already closed are late and dropped.
 * Output: keys..., aggregate results... (as a group aggregate's).
 */
interface Group {
  readonly keys: unknown[];
  readonly accs: unknown[];
}

/** One window's groups (state version 2: keyed by the window end, which the entry carries for expiry). */
interface WindowGroups {
  readonly end: number;
  readonly groups: Map<unknown, Group>;
}

/**
 * Version 1 (before the shared keyed state): `{ windows: Map<end, Map<groupKey, Group>>, watermark }`.
 * Version 3 has version 2's shape, but a group's key inside its window leaves out window_end (every group of
 * one window has the same end, the window's key): groups of versions 1 and 2 are re-keyed from their keys.
 */
function migrateV1(data: unknown): unknown {
  const v1 = data as { windows: Map<number, Map<unknown, Group>>; watermark: number };
  return { windows: new Map([...v1.windows].map(([end, groups]) => [end, { end, groups }])), watermark: v1.watermark };
}

export class WindowGroupAggregateOperator implements Operator {
  readonly name = 'WindowGroupAggregate';
  readonly stateSpec: StateSpec = {
    kind: 'WindowGroupAggregate',
    version: 3,
    migrate: (data, from) => this.rekey((from === 1 ? migrateV1(data) : data) as { windows: Map<number, WindowGroups>; watermark: number }),
  };
  private readonly keyFns: ((r: Row) => unknown)[];
  /** A row's group inside its window: the keys but window_end (Nexmark q5's MAX per window: window_start alone). */
  private readonly groupKey: (r: Row) => unknown;
  /** The same key from a group's stored key values (re-keying older states). */
  private readonly groupKeyOfValues: (keys: Row) => unknown;
  private readonly accs: Accumulator[];
  /** Groups by window end, then by group key; a window goes when the watermark closes it. */
  private readonly windows: KeyedState<WindowGroups>;
  private watermark = -Infinity;
  private late = 0;

  private readonly window: WindowAttachment;
  private readonly out: Output;
  private readonly hooks: OperatorHooks;

  constructor(spec: { readonly keys: readonly BExpr[]; readonly aggs: readonly AggCall[]; readonly window: WindowAttachment }, ctx: OperatorContext) {
    const { keys, aggs } = spec;
    this.window = spec.window;
    this.out = ctx.out;
    this.hooks = ctx.hooks;
    this.keyFns = keys.map(compileExpr);
    const inGroup = keys.map((_, i) => i).filter((i) => i !== spec.window.endKey);
    this.groupKey = keyFunction(inGroup.map((i) => this.keyFns[i]!));
    this.groupKeyOfValues = keyFunction(inGroup.map((i) => (values: Row) => values[i]));
    this.accs = aggs.map((a) => createAccumulator(a, false));
    // Retention 0: a window's state ends with the window (expireClosed), not by idle-state retention.
    this.windows = new KeyedState({ retentionMs: 0, now: ctx.now, counter: ctx.counter });
  }

  process(rows: Row[], _kinds: RowKind[] | undefined): void {
    const endFn = this.keyFns[this.window.endKey]!;
    const lateRows: Row[] = [];
    for (const row of rows) {
      const end = endFn(row) as number | null;
      if (end === null) continue;
      if (end - 1 <= this.watermark) {
        lateRows.push(row);
        continue;
      }
      // forUpdate: a running checkpoint capture keeps the window as it was at the barrier.
      let groups = this.windows.forUpdate(end)?.groups;
      if (!groups) {
        groups = new Map();
        this.windows.set(end, { end, groups });
      }
      const k = this.groupKey(row);
      let g = groups.get(k);
      if (!g) {
        g = { keys: this.keyFns.map((f) => f(row)), accs: this.accs.map((a) => a.create()) };
        groups.set(k, g);
      }
      for (let i = 0; i < this.accs.length; i++) this.accs[i]!.add(g.accs[i], row);
    }
    if (lateRows.length) {
      this.late += lateRows.length;
      this.hooks.late(lateRows, { input: 0, watermark: this.watermark });
    }
  }

  onWatermark(time: number): void {
    this.watermark = time;
    const due = ([...this.windows.keys()] as number[]).filter((end) => end - 1 <= time).sort((a, b) => a - b);
    const out: Row[] = [];
    for (const end of due) {
      for (const g of this.windows.get(end)!.groups.values()) {
        const row: Row = g.keys.slice();
        for (let i = 0; i < this.accs.length; i++) row.push(this.accs[i]!.result(g.accs[i]));
        out.push(row);
      }
    }
    this.windows.expireClosed(time);
    if (out.length) this.out.data(out);
    this.out.watermark(time);
  }

  lateCount(): number {
    return this.late;
  }

  snapshot(): unknown {
    return { windows: this.windows, watermark: this.watermark };
  }

  /** Versions 1 and 2 keyed a window's groups by every group key, window_end included. */
  private rekey(s: { windows: Map<number, WindowGroups>; watermark: number }): unknown {
    const windows = new Map<number, WindowGroups>();
    for (const [end, w] of s.windows) windows.set(end, { end: w.end, groups: new Map([...w.groups.values()].map((g) => [this.groupKeyOfValues(g.keys), g])) });
    return { windows, watermark: s.watermark };
  }

  restore(state: unknown): void {
    const s = state as { windows: Map<number, WindowGroups>; watermark: number };
    this.windows.load(s.windows);
    this.watermark = s.watermark;
  }
}
