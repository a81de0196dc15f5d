import { RowKind, type Row } from '../core/types.js';
import { compileExpr, compilePredicate } from './expr/compile.js';
import type { BExpr } from '../plan/nodes.js';
import { joinKeyFunction } from './aggregates.js';
import type { Operator, OperatorContext, Output } from './operator.js';
import { KeyedState } from './state/keyed-state.js';
import type { StateSpec } from './state/versioned.js';
import { residualOnPair } from './join-residual.js';
import { JoinKeyRows, mergeSides, restoreJoinKeyRows, restoreKeyRows, type KeyRows } from './state/join-rows.js';
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
 * A key's stored rows of both sides are one JoinKeyRows (runtime/state/join-rows.ts) in one Map: one lookup
 * per row, few objects per row for the collector.
 * A stored row holds only the columns read above the join and by the residual condition (JoinColumns,
 * runtime/state/join-columns.ts); output rows have NULL in the others.
 *
 * With `semi` (from `IN (SELECT ...)` / `EXISTS`), only left rows are emitted: SEMI emits a left row while it has
 * at least one match (+I on the first, -D when the last is retracted); ANTI (NOT EXISTS) while it has none, so
 * a matching right row arriving later retracts it. A NULL left key never matches: ANTI emits the row.
 */
type Keys = KeyedState<JoinKeyRows>;

export class StreamingJoinOperator implements Operator {
  readonly name: string;
  /**
   * Version 4 keeps both sides of a key in one JoinKeyRows in one Map (`keys`); version 3 a Map per side
   * (`sides`) of rows cut to the columns of `stored` (see JoinColumns); version 2 a Map per side of KeyRows of
   * whole rows (touch times after `base`), version 1 an object per row with its match count and absolute touch
   * times. restore() reads all four: the two Maps are merged, rows of versions 1 and 2 are whole (`stored`
   * [null, null]) and are cut.
   */
  readonly stateSpec: StateSpec = {
    kind: 'StreamingJoin',
    version: 4,
    migrate: (data, from) => (from >= 3 ? data : { ...(data as object), stored: [null, null] }),
  };
  private readonly keyFns: [(r: Row) => unknown, (r: Row) => unknown];
  /** The rest of the ON condition, tested on a left and a right row before they are joined. */
  private readonly residualHolds: ((l: Row, r: Row) => boolean) | null;
  private readonly outer: [boolean, boolean];
  private readonly widths: [number, number];
  private readonly keys: Keys;
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
    this.keys = new KeyedState(ctx, (e: JoinKeyRows) => this.base + e.t);
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
    const keys = this.keys;
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
      const e = keys.forUpdate(k);
      // A retraction of a row never seen (or expired by retention) retracts nothing.
      if (retract && (!e || !e.removeEqual(s, row))) continue;
      if (e) e.t = now;
      let matched = 0;
      const n = e ? e.length(o) : 0;
      for (let j = 0; j < n; j++) {
        const m = e!.at(o, j);
        if (this.residualHolds && !(s === 0 ? this.residualHolds(row, m) : this.residualHolds(m, row))) continue;
        const out = join(row, m);
        matched++;
        const before = e!.matchesAt(o, j);
        if (retract) {
          emit(out, RowKind.Delete);
          e!.setMatchesAt(o, j, before - 1);
          if (otherOuter && before === 1) emit(padOther(m), RowKind.Insert);
        } else {
          if (otherOuter && before === 0) emit(padOther(m), RowKind.Delete);
          e!.setMatchesAt(o, j, before + 1);
          emit(out, RowKind.Insert);
        }
      }
      if (matched === 0 && meOuter) emit(padMine(row), retract ? RowKind.Delete : RowKind.Insert);
      this.store(e, s, k, row, matched, retract, now);
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
    const e = this.keys.forUpdate(k);
    if (retract && (!e || !e.removeEqual(s, row))) return;
    if (e) e.t = now;
    const o: 0 | 1 = s === 0 ? 1 : 0;
    const n = e ? e.length(o) : 0;
    if (s === 0) {
      let matched = 0;
      for (let j = 0; j < n; j++) if (!this.residualHolds || this.residualHolds(row, e!.at(1, j))) matched++;
      if ((matched > 0) !== anti) emit(this.cols.leftRow(row), retract ? RowKind.Delete : RowKind.Insert);
      this.store(e, s, k, row, matched, retract, now);
      return;
    }
    for (let j = 0; j < n; j++) {
      const m = e!.at(0, j);
      if (this.residualHolds && !this.residualHolds(m, row)) continue;
      const before = e!.matchesAt(0, j);
      if (retract) {
        e!.setMatchesAt(0, j, before - 1);
        if (before === 1) emit(this.cols.leftRow(m), anti ? RowKind.Insert : RowKind.Delete);
      } else {
        if (before === 0) emit(this.cols.leftRow(m), anti ? RowKind.Delete : RowKind.Insert);
        e!.setMatchesAt(0, j, before + 1);
      }
    }
    this.store(e, s, k, row, 0, retract, now);
  }

  /**
   * After a row of side `s` was matched: an insert is stored (a new key gets its entry), a retraction (already
   * removed by removeEqual) drops the key once neither side has rows.
   */
  private store(e: JoinKeyRows | undefined, s: 0 | 1, k: unknown, row: Row, matched: number, retract: boolean, now: number): void {
    if (retract) {
      if (e!.isEmpty()) this.keys.delete(k);
    } else if (e) e.add(s, row, matched);
    else this.keys.set(k, JoinKeyRows.of(s, row, matched, now));
  }

  onWatermark(time: number): void {
    this.expireIdle();
    this.out.watermark(time);
  }

  onBatchEnd(): void {
    this.expireIdle();
  }

  private expireIdle(): void {
    this.keys.expireIdle();
  }

  /** Stored rows per side (for tests and metrics). */
  stateSize(): [number, number] {
    const n: [number, number] = [0, 0];
    for (const e of this.keys.values()) {
      n[0] += e.length(0);
      n[1] += e.length(1);
    }
    return n;
  }

  snapshot(): unknown {
    return { keys: this.keys, base: this.base, stored: this.cols.keep };
  }

  /**
   * Reads every layout: version 4 (`keys`: both sides per key), 3 (`sides`: a Map per side of rows of the
   * `stored` columns), 2 (whole rows, `base` set) and 1 (an object per row; see restoreKeyRows). Rows stored
   * with other columns than this query stores are re-cut.
   */
  restore(state: unknown): void {
    const { keys, sides, base, stored } = state as {
      keys?: Map<unknown, unknown>;
      sides?: [Map<unknown, unknown>, Map<unknown, unknown>];
      base?: number;
      stored?: [readonly number[] | null, readonly number[] | null];
    };
    const entries = new Map<unknown, JoinKeyRows>();
    if (keys) for (const [k, v] of keys) entries.set(k, restoreJoinKeyRows(v, base ?? 0, this.base));
    else {
      const side = (m: Map<unknown, unknown>): Map<unknown, KeyRows> => new Map([...m].map(([k, v]) => [k, restoreKeyRows(v, base ?? 0, this.base)]));
      for (const [k, e] of mergeSides(side(sides![0]), side(sides![1]))) entries.set(k, e);
    }
    for (const s of [0, 1] as const) {
      const recut = restoredRow(stored?.[s] ?? null, this.cols.keep[s], this.widths[s], s === 0 ? 'left' : 'right');
      if (!recut) continue;
      for (const e of entries.values()) for (let i = 0; i < e.length(s); i++) e.setRowAt(s, i, recut(e.at(s, i)));
    }
    this.keys.load(entries);
  }
}
