import type { Row, RowKind } from '../core/types.js';
import { compileExpr, compilePredicate } from './expr/compile.js';
import type { BExpr, WindowJoinBounds } from '../plan/nodes.js';
import { joinKeyFunction } from './aggregates.js';
import { residualOnPair } from './join-residual.js';
import type { Operator, OperatorContext, OperatorHooks, Output } from './operator.js';
import { KeyedState } from './state/keyed-state.js';
import type { StateSpec } from './state/versioned.js';

/**
 * Window join (Flink's WindowJoinOperator): rows of both inputs are kept per window (window_start,
 * window_end) and, within it, per join key. When the watermark reaches a window's last instant (end - 1)
 * the window's rows are joined, unmatched rows of an outer side are padded with NULLs, everything is
 * emitted as inserts and the window's state is dropped. A row whose window has already closed is late and
 * dropped. The watermark is forwarded unchanged, after the windows it closes.
 */
interface WindowState {
  readonly start: number;
  readonly end: number;
  /** Rows by join key, in arrival order; rows with a NULL key under NULL_KEY (they match nothing). */
  readonly left: Map<unknown, Row[]>;
  readonly right: Map<unknown, Row[]>;
}

const NULL_KEY = '\u0000null-key';

/**
 * State version 2 keeps the windows in a KeyedState by `start/end` id; version 1 (before the shared keyed
 * state) was `{ windows: WindowState[], watermark }`, the same windows as a list. Version 3 has the same
 * shape, but a window's rows are keyed without the key pairs that are only the window's own bounds (see
 * `withoutWindowBounds`): rows of versions 1 and 2 are re-keyed from the rows themselves.
 */
function migrateV1(data: unknown): unknown {
  const v1 = data as { windows: WindowState[]; watermark: number };
  return { windows: new Map(v1.windows.map((w) => [`${w.start}/${w.end}`, w])), watermark: v1.watermark };
}

/**
 * The equi-join key pairs left once the pairs equating the two sides' window_start or window_end are taken
 * out: rows are already kept per window (`start/end`), so inside one window those pairs are equal on every
 * row, and building them into every row's composite key only costs (Nexmark q5 joins on nothing else).
 */
export function withoutWindowBounds(leftKeys: readonly BExpr[], rightKeys: readonly BExpr[], w: WindowJoinBounds): { left: BExpr[]; right: BExpr[] } {
  const isCol = (e: BExpr | undefined, index: number): boolean => e?.k === 'col' && e.index === index;
  const left: BExpr[] = [];
  const right: BExpr[] = [];
  leftKeys.forEach((l, i) => {
    const r = rightKeys[i];
    const bound = (isCol(l, w.leftStart) && isCol(r, w.rightStart)) || (isCol(l, w.leftEnd) && isCol(r, w.rightEnd));
    if (!bound) {
      left.push(l);
      right.push(r!);
    }
  });
  return { left, right };
}

export class WindowJoinOperator implements Operator {
  readonly name = 'WindowJoin';
  readonly stateSpec: StateSpec = {
    kind: 'WindowJoin',
    version: 3,
    migrate: (data, from) => this.rekey((from === 1 ? migrateV1(data) : data) as { windows: Map<string, WindowState>; watermark: number }),
  };
  private readonly leftKey: (r: Row) => unknown;
  private readonly rightKey: (r: Row) => unknown;
  /** The rest of the ON condition, tested on a left and a right row before they are joined. */
  private readonly residualHolds: ((l: Row, r: Row) => boolean) | null;
  /** Windows by `start/end`; a window goes when the watermark closes it (after it fired). */
  private readonly windows: KeyedState<WindowState>;
  /** Join-key entries of all windows (both sides), for the heap guard. */
  private keyEntries = 0;
  private watermark = -Infinity;
  private late = 0;
  private readonly out: Output;
  private readonly hooks: OperatorHooks;

  constructor(
    private readonly spec: {
      joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
      leftKeys: readonly BExpr[];
      rightKeys: readonly BExpr[];
      residual: BExpr | null;
      window: WindowJoinBounds;
      leftWidth: number;
      rightWidth: number;
    },
    ctx: OperatorContext,
  ) {
    this.out = ctx.out;
    this.hooks = ctx.hooks;
    const keys = withoutWindowBounds(spec.leftKeys, spec.rightKeys, spec.window);
    this.leftKey = joinKeyFunction(keys.left.map(compileExpr));
    this.rightKey = joinKeyFunction(keys.right.map(compileExpr));
    this.residualHolds = spec.residual ? residualOnPair(compilePredicate(spec.residual), spec.leftWidth, spec.rightWidth) : null;
    // Retention 0: a window's rows go with the window (expireClosed), not by idle-state retention.
    this.windows = new KeyedState({ retentionMs: 0, now: ctx.now });
  }

  process(rows: Row[], _kinds: RowKind[] | undefined, input: number): void {
    const w = this.spec.window;
    const [startAt, endAt, keyOf] = input === 0 ? [w.leftStart, w.leftEnd, this.leftKey] : [w.rightStart, w.rightEnd, this.rightKey];
    const lateRows: Row[] = [];
    // Rows come mostly grouped by window (a window aggregate emits a window's rows together): the last
    // window's state is kept for the next row instead of building its id and looking it up again.
    let state: WindowState | undefined;
    for (const row of rows) {
      const start = row[startAt] as number | null;
      const end = row[endAt] as number | null;
      if (start === null || end === null) continue;
      if (end - 1 <= this.watermark) {
        lateRows.push(row);
        continue;
      }
      if (state === undefined || state.start !== start || state.end !== end) {
        const id = `${start}/${end}`;
        // forUpdate: a running checkpoint capture keeps the window as it was at the barrier.
        state = this.windows.forUpdate(id);
        if (!state) {
          state = { start, end, left: new Map(), right: new Map() };
          this.windows.set(id, state);
        }
      }
      const side = input === 0 ? state.left : state.right;
      const k = keyOf(row);
      const key = k === null ? NULL_KEY : k;
      const list = side.get(key);
      if (list) list.push(row);
      else {
        side.set(key, [row]);
        this.keyEntries++;
      }
    }
    if (lateRows.length) {
      this.late += lateRows.length;
      this.hooks.late(lateRows, { input, watermark: this.watermark });
    }
  }

  onWatermark(time: number): void {
    this.watermark = time;
    const due = [...this.windows.entries()].filter(([, s]) => s.end - 1 <= time).sort(([, a], [, b]) => a.end - b.end || a.start - b.start);
    const out: Row[] = [];
    for (const [, state] of due) this.fire(state, out);
    this.windows.expireClosed(time, undefined, (_id, w) => {
      this.keyEntries -= w.left.size + w.right.size;
    });
    if (out.length) this.out.data(out);
    this.out.watermark(time);
  }

  private fire(state: WindowState, out: Row[]): void {
    const { joinType, leftWidth, rightWidth } = this.spec;
    const padLeft = joinType === 'LEFT' || joinType === 'FULL';
    const padRight = joinType === 'RIGHT' || joinType === 'FULL';
    const matchedRight = new Set<Row>();
    for (const [key, lefts] of state.left) {
      const rights = key === NULL_KEY ? undefined : state.right.get(key);
      for (const l of lefts) {
        let matched = false;
        for (const r of rights ?? []) {
          // The rest of the ON condition on a reused pair first: most candidates of a window fail it
          // (Nexmark q5: every auction's count against the window's maximum).
          if (this.residualHolds && !this.residualHolds(l, r)) continue;
          matched = true;
          if (padRight) matchedRight.add(r);
          out.push(l.concat(r));
        }
        if (!matched && padLeft) out.push(l.concat(new Array(rightWidth).fill(null)));
      }
    }
    if (!padRight) return;
    for (const rights of state.right.values()) {
      for (const r of rights) if (!matchedRight.has(r)) out.push(new Array(leftWidth).fill(null).concat(r));
    }
  }

  lateCount(): number {
    return this.late;
  }

  stateEntries(): number {
    return this.keyEntries;
  }

  snapshot(): unknown {
    return { windows: this.windows, watermark: this.watermark };
  }

  /** Versions 1 and 2 keyed a window's rows by every equi-join key: the same rows under this operator's keys. */
  private rekey(s: { windows: Map<string, WindowState>; watermark: number }): unknown {
    const bySide = (rows: Map<unknown, Row[]>, keyOf: (r: Row) => unknown): Map<unknown, Row[]> => {
      const out = new Map<unknown, Row[]>();
      // Inside one window the dropped key parts are equal on every row, so old keys map one to one on new
      // ones and each list keeps its arrival order.
      for (const list of rows.values()) {
        for (const row of list) {
          const k = keyOf(row);
          const key = k === null ? NULL_KEY : k;
          const l = out.get(key);
          if (l) l.push(row);
          else out.set(key, [row]);
        }
      }
      return out;
    };
    const windows = new Map<string, WindowState>();
    for (const [id, w] of s.windows) windows.set(id, { start: w.start, end: w.end, left: bySide(w.left, this.leftKey), right: bySide(w.right, this.rightKey) });
    return { windows, watermark: s.watermark };
  }

  restore(state: unknown): void {
    const s = state as { windows: Map<string, WindowState>; watermark: number };
    this.windows.load(s.windows);
    this.keyEntries = 0;
    for (const w of this.windows.values()) this.keyEntries += w.left.size + w.right.size;
    this.watermark = s.watermark;
  }
}
