import { RowKind, type Row } from '../core/types.js';
import { compileExpr, compilePredicate } from './expr/compile.js';
import type { BExpr } from '../plan/nodes.js';
import { joinKeyFunction } from './aggregates.js';
import type { Operator, OperatorContext, Output } from './operator.js';
import { KeyedState } from './state/keyed-state.js';
import type { StateSpec } from './state/versioned.js';
import { residualOnPair } from './join-residual.js';
import { KeyRows, restoreKeyRows } from './state/join-rows.js';
import { joinColumns, restoredRow, type JoinColumns } from './state/join-columns.js';
import { columnRefs, mapOperands } from '../plan/children.js';

/**
 * Regular (unbounded) equi-join of two changelog streams, INNER, LEFT, RIGHT or FULL, with Flink's semantics:
 *
 * - Both sides are kept by join key. An insert (+I/+U) joins with every stored row of the other side that
 *   satisfies the rest of the ON condition and is emitted +I; a retraction (-U/-D) emits -D for the same rows.
 * - An outer side's row without a match is emitted padded with NULLs. Each stored row counts its matches, so
 *   when the first match arrives the padded row is retracted (-D) before the joined row is inserted (+I), and
 *   when the last match is retracted the padded row comes back (+I).
 * - A NULL join key matches nothing (SQL equality); on an outer side such a row is passed through padded.
 * - Keys untouched for the idle-state retention time (FLINK_RETENTION_IDLE_STATE_MINUTE) are dropped.
 * The output is +I/-D only; it is append-only when both inputs are and the join is INNER.
 * A key's stored rows are one KeyRows (runtime/state/join-rows.ts): few objects per row for the collector.
 * A stored row holds only the columns read above the join and by the residual condition (JoinColumns,
 * runtime/state/join-columns.ts); output rows have NULL in the others.
 *
 * With `semi` (from `IN (SELECT ...)` / `EXISTS`), only left rows are emitted: SEMI emits a left row while it has
 * at least one match (+I on the first, -D when the last is retracted); ANTI (NOT EXISTS) while it has none, so
 * a matching right row arriving later retracts it. A NULL left key never matches: ANTI emits the row.
 */
type Side = KeyedState<KeyRows>;

export class StreamingJoinOperator implements Operator {
  readonly name: string;
  /**
   * Version 3 stores rows cut to the columns of `stored` (see JoinColumns); version 2 stored KeyRows of whole
   * rows (touch times after `base`), version 1 an object per row with its match count and absolute touch
   * times. restore() reads all three: the older ones' rows are whole (`stored` [null, null]) and are cut.
   */
  readonly stateSpec: StateSpec = {
    kind: 'StreamingJoin',
    version: 3,
    migrate: (data) => ({ ...(data as object), stored: [null, null] }),
  };
  private readonly keyFns: [(r: Row) => unknown, (r: Row) => unknown];
  /** The rest of the ON condition, tested on a left and a right row before they are joined. */
  private readonly residualHolds: ((l: Row, r: Row) => boolean) | null;
  private readonly outer: [boolean, boolean];
  private readonly widths: [number, number];
  private readonly sides: [Side, Side];
  private readonly out: Output;
  private readonly now: () => number;
  private readonly semi: 'SEMI' | 'ANTI' | undefined;
  /** The clock base of the stored touch times (see KeyRows.t). */
  private readonly base: number;
  /** The columns stored of each side's rows, and how output rows are built from them. */
  private readonly cols: JoinColumns;

  constructor(
    spec: {
      joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
      leftKeys: readonly BExpr[];
      rightKeys: readonly BExpr[];
      residual: BExpr | null;
      leftWidth: number;
      rightWidth: number;
      semi?: 'SEMI' | 'ANTI';
      /** Output columns read above the join (left then right; a semi join's are the left's); absent: all. */
      used?: ReadonlySet<number>;
    },
    ctx: OperatorContext,
  ) {
    this.out = ctx.out;
    this.now = ctx.now;
    this.base = ctx.now();
    const touchedAt = (e: KeyRows): number => this.base + e.t;
    this.sides = [new KeyedState(ctx, touchedAt), new KeyedState(ctx, touchedAt)];
    this.semi = spec.semi;
    this.name = spec.semi ? `${spec.semi === 'SEMI' ? 'Semi' : 'Anti'}Join` : `${spec.joinType === 'INNER' ? '' : `${spec.joinType}Outer`}Join`;
    this.keyFns = [joinKeyFunction(spec.leftKeys.map(compileExpr)), joinKeyFunction(spec.rightKeys.map(compileExpr))];
    this.widths = [spec.leftWidth, spec.rightWidth];
    // A semi join's output is its left input; `used` then holds left columns only.
    const used = spec.used && spec.semi ? new Set([...spec.used].filter((c) => c < spec.leftWidth)) : spec.used;
    this.cols = joinColumns(this.widths, used, spec.residual ? columnRefs([spec.residual]) : new Set());
    // The residual reads the stored rows: its columns at their places in a stored left row then a stored right row.
    const cols = this.cols;
    const onStored = (b: BExpr): BExpr => (b.k === 'col' ? { ...b, index: cols.pairIndex(b.index) } : mapOperands(b, onStored));
    this.residualHolds = spec.residual ? residualOnPair(compilePredicate(onStored(spec.residual)), cols.storedWidths[0], cols.storedWidths[1]) : null;
    this.outer = [spec.joinType === 'LEFT' || spec.joinType === 'FULL', spec.joinType === 'RIGHT' || spec.joinType === 'FULL'];
  }

  /** The columns stored per side (null: all), for explain and tests. */
  storedColumns(): readonly [readonly number[] | null, readonly number[] | null] {
    return this.cols.keep;
  }

  process(rows: Row[], kinds: RowKind[] | undefined, input: number): void {
    const s: 0 | 1 = input === 0 ? 0 : 1;
    const o: 0 | 1 = s === 0 ? 1 : 0;
    const now = this.now() - this.base;
    const outRows: Row[] = [];
    const outKinds: RowKind[] = [];
    const mine = this.sides[s];
    const other = this.sides[o];
    const meOuter = this.outer[s];
    const otherOuter = this.outer[o];
    const { joined, padLeft, padRight } = this.cols;
    const cut = this.cols.cut[s];
    const join = (row: Row, m: Row): Row => (s === 0 ? joined(row, m) : joined(m, row));
    const padMine = s === 0 ? padLeft : padRight;
    const padOther = s === 0 ? padRight : padLeft;
    const emit = (row: Row, kind: RowKind): void => {
      outRows.push(row);
      outKinds.push(kind);
    };
    for (let i = 0; i < rows.length; i++) {
      const kind = kinds ? kinds[i]! : RowKind.Insert;
      const retract = kind === RowKind.UpdateBefore || kind === RowKind.Delete;
      const k = this.keyFns[s](rows[i]!);
      // The row as stored: the columns read above the join and by the residual (the key is the state's key).
      const row = cut(rows[i]!);
      if (this.semi) {
        this.processSemi(s, row, retract, k, now, emit);
        continue;
      }
      if (k === null) {
        if (meOuter) emit(padMine(row), retract ? RowKind.Delete : RowKind.Insert);
        continue;
      }
      const state = touchKey(mine, k, row, retract, now);
      if (retract && state === null) continue; // never seen (or expired by retention): nothing to retract
      const theirs = other.forUpdate(k);
      let matched = 0;
      if (theirs) {
        theirs.t = now;
        for (let j = 0, n = theirs.length; j < n; j++) {
          const m = theirs.at(j);
          if (this.residualHolds && !(s === 0 ? this.residualHolds(row, m) : this.residualHolds(m, row))) continue;
          const joined = join(row, m);
          matched++;
          const before = theirs.matchesAt(j);
          if (retract) {
            emit(joined, RowKind.Delete);
            theirs.setMatchesAt(j, before - 1);
            if (otherOuter && before === 1) emit(padOther(m), RowKind.Insert);
          } else {
            if (otherOuter && before === 0) emit(padOther(m), RowKind.Delete);
            theirs.setMatchesAt(j, before + 1);
            emit(joined, RowKind.Insert);
          }
        }
      }
      if (matched === 0 && meOuter) emit(padMine(row), retract ? RowKind.Delete : RowKind.Insert);
      if (!retract) storeRow(mine, state, k, row, matched, now);
    }
    if (outRows.length === 0) return;
    this.out.data(outRows, outKinds.every((x) => x === RowKind.Insert) && !kinds ? undefined : outKinds);
  }

  /** One row of a semi/anti join: left rows are kept with their match counts; right rows flip them. */
  private processSemi(s: 0 | 1, row: Row, retract: boolean, k: unknown, now: number, emit: (row: Row, kind: RowKind) => void): void {
    const anti = this.semi === 'ANTI';
    if (k === null) {
      if (s === 0 && anti) emit(this.cols.leftRow(row), retract ? RowKind.Delete : RowKind.Insert);
      return;
    }
    const mine = this.sides[s];
    const state = touchKey(mine, k, row, retract, now);
    if (retract && state === null) return;
    const theirs = this.sides[s === 0 ? 1 : 0].forUpdate(k);
    if (theirs) theirs.t = now;
    const n = theirs ? theirs.length : 0;
    if (s === 0) {
      let matched = 0;
      for (let j = 0; j < n; j++) if (!this.residualHolds || this.residualHolds(row, theirs!.at(j))) matched++;
      if ((matched > 0) !== anti) emit(this.cols.leftRow(row), retract ? RowKind.Delete : RowKind.Insert);
      if (!retract) storeRow(mine, state, k, row, matched, now);
      return;
    }
    if (!retract) storeRow(mine, state, k, row, 0, now);
    for (let j = 0; j < n; j++) {
      const m = theirs!.at(j);
      if (this.residualHolds && !this.residualHolds(m, row)) continue;
      const before = theirs!.matchesAt(j);
      if (retract) {
        theirs!.setMatchesAt(j, before - 1);
        if (before === 1) emit(this.cols.leftRow(m), anti ? RowKind.Insert : RowKind.Delete);
      } else {
        if (before === 0) emit(this.cols.leftRow(m), anti ? RowKind.Delete : RowKind.Insert);
        theirs!.setMatchesAt(j, before + 1);
      }
    }
  }

  onWatermark(time: number): void {
    this.expireIdle();
    this.out.watermark(time);
  }

  onBatchEnd(): void {
    this.expireIdle();
  }

  private expireIdle(): void {
    for (const side of this.sides) side.expireIdle();
  }

  /** Stored rows per side (for tests and metrics). */
  stateSize(): [number, number] {
    const count = (m: Side): number => {
      let n = 0;
      for (const e of m.values()) n += e.length;
      return n;
    };
    return [count(this.sides[0]), count(this.sides[1])];
  }

  snapshot(): unknown {
    return { sides: this.sides, base: this.base, stored: this.cols.keep };
  }

  /**
   * Reads every layout: version 3 (rows of the `stored` columns), 2 (whole rows, `base` set) and 1 (an object
   * per row; see restoreKeyRows). Rows stored with other columns than this query stores are re-cut.
   */
  restore(state: unknown): void {
    const { sides, base, stored } = state as {
      sides: [Map<unknown, unknown>, Map<unknown, unknown>];
      base?: number;
      stored?: [readonly number[] | null, readonly number[] | null];
    };
    for (const s of [0, 1] as const) {
      const recut = restoredRow(stored?.[s] ?? null, this.cols.keep[s], this.widths[s], s === 0 ? 'left' : 'right');
      const entries = new Map<unknown, KeyRows>();
      for (const [k, v] of sides[s]) {
        const e = restoreKeyRows(v, base ?? 0, this.base);
        if (recut) for (let i = 0; i < e.length; i++) e.setRowAt(i, recut(e.at(i)));
        entries.set(k, e);
      }
      this.sides[s].load(entries);
    }
  }
}

/**
 * A row's key state on its own side: for a retraction one equal stored row is removed (null when there is
 * none) and a key left without rows is dropped; for an insert, the key's rows (undefined for a new key: the
 * caller stores the row after matching, so a new key costs no empty entry).
 */
function touchKey(side: Side, k: unknown, row: Row, retract: boolean, now: number): KeyRows | null | undefined {
  const state = side.forUpdate(k);
  if (retract) {
    if (!state || !state.removeEqual(row)) return null;
    state.t = now;
    if (state.length === 0) side.delete(k);
    return state;
  }
  if (state) state.t = now;
  return state;
}

/** Stores `row` under `k`, creating the key's entry when `state` is undefined. */
function storeRow(side: Side, state: KeyRows | null | undefined, k: unknown, row: Row, matches: number, now: number): void {
  if (state) state.add(row, matches);
  else side.set(k, new KeyRows(row, matches, now));
}
