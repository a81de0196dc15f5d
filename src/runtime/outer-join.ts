import { RowKind, type Row } from '../core/types.js';
import { compileExpr, compilePredicate } from './expr/compile.js';
import type { BExpr } from '../plan/nodes.js';
import { joinKeyFunction } from './aggregates.js';
import type { Operator, OperatorContext, Output } from './operator.js';
import { KeyedState } from './state/keyed-state.js';
import type { StateSpec } from './state/versioned.js';
import { sameRow } from './rank.js';
import { residualOnPair } from './join-residual.js';

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
 *
 * With `semi` (from `IN (SELECT ...)` / `EXISTS`), only left rows are emitted: SEMI emits a left row while it has
 * at least one match (+I on the first, -D when the last is retracted); ANTI (NOT EXISTS) while it has none, so
 * a matching right row arriving later retracts it. A NULL left key never matches: ANTI emits the row.
 */
interface Entry {
  row: Row;
  /** Rows of the other side this row currently joins with. */
  matches: number;
}

interface KeyState {
  rows: Entry[];
  touchedAt: number;
}

type Side = KeyedState<KeyState>;

export class StreamingJoinOperator implements Operator {
  readonly name: string;
  readonly stateSpec: StateSpec = { kind: 'StreamingJoin', version: 1 };
  private readonly keyFns: [(r: Row) => unknown, (r: Row) => unknown];
  /** The rest of the ON condition, tested on a left and a right row before they are joined. */
  private readonly residualHolds: ((l: Row, r: Row) => boolean) | null;
  private readonly outer: [boolean, boolean];
  private readonly widths: [number, number];
  private readonly sides: [Side, Side];
  private readonly out: Output;
  private readonly now: () => number;
  private readonly semi: 'SEMI' | 'ANTI' | undefined;

  constructor(
    spec: {
      joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
      leftKeys: readonly BExpr[];
      rightKeys: readonly BExpr[];
      residual: BExpr | null;
      leftWidth: number;
      rightWidth: number;
      semi?: 'SEMI' | 'ANTI';
    },
    ctx: OperatorContext,
  ) {
    this.out = ctx.out;
    this.now = ctx.now;
    this.sides = [new KeyedState(ctx), new KeyedState(ctx)];
    this.semi = spec.semi;
    this.name = spec.semi ? `${spec.semi === 'SEMI' ? 'Semi' : 'Anti'}Join` : `${spec.joinType === 'INNER' ? '' : `${spec.joinType}Outer`}Join`;
    this.keyFns = [joinKeyFunction(spec.leftKeys.map(compileExpr)), joinKeyFunction(spec.rightKeys.map(compileExpr))];
    this.residualHolds = spec.residual ? residualOnPair(compilePredicate(spec.residual), spec.leftWidth, spec.rightWidth) : null;
    this.outer = [spec.joinType === 'LEFT' || spec.joinType === 'FULL', spec.joinType === 'RIGHT' || spec.joinType === 'FULL'];
    this.widths = [spec.leftWidth, spec.rightWidth];
  }

  process(rows: Row[], kinds: RowKind[] | undefined, input: number): void {
    const s: 0 | 1 = input === 0 ? 0 : 1;
    const o: 0 | 1 = s === 0 ? 1 : 0;
    const now = this.now();
    const outRows: Row[] = [];
    const outKinds: RowKind[] = [];
    const mine = this.sides[s];
    const other = this.sides[o];
    const meOuter = this.outer[s];
    const otherOuter = this.outer[o];
    const join = (row: Row, m: Row): Row => (s === 0 ? row.concat(m) : m.concat(row));
    const padMine = (row: Row): Row => (s === 0 ? row.concat(nulls(this.widths[1])) : nulls(this.widths[0]).concat(row));
    const padOther = (m: Row): Row => (s === 0 ? nulls(this.widths[0]).concat(m) : m.concat(nulls(this.widths[1])));
    const emit = (row: Row, kind: RowKind): void => {
      outRows.push(row);
      outKinds.push(kind);
    };
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const kind = kinds ? kinds[i]! : RowKind.Insert;
      const retract = kind === RowKind.UpdateBefore || kind === RowKind.Delete;
      const k = this.keyFns[s](row);
      if (this.semi) {
        this.processSemi(s, row, retract, k, now, emit);
        continue;
      }
      if (k === null) {
        if (meOuter) emit(padMine(row), retract ? RowKind.Delete : RowKind.Insert);
        continue;
      }
      const state = touchKey(mine, k, row, retract, now);
      if (state === null) continue; // never seen (or expired by retention): nothing to retract
      const theirs = other.forUpdate(k);
      let matched = 0;
      if (theirs) {
        theirs.touchedAt = now;
        for (const m of theirs.rows) {
          if (this.residualHolds && !(s === 0 ? this.residualHolds(row, m.row) : this.residualHolds(m.row, row))) continue;
          const joined = join(row, m.row);
          matched++;
          if (retract) {
            emit(joined, RowKind.Delete);
            m.matches--;
            if (otherOuter && m.matches === 0) emit(padOther(m.row), RowKind.Insert);
          } else {
            if (otherOuter && m.matches === 0) emit(padOther(m.row), RowKind.Delete);
            m.matches++;
            emit(joined, RowKind.Insert);
          }
        }
      }
      if (matched === 0 && meOuter) emit(padMine(row), retract ? RowKind.Delete : RowKind.Insert);
      if (!retract) storeRow(state, { row, matches: matched });
    }
    if (outRows.length === 0) return;
    this.out.data(outRows, outKinds.every((x) => x === RowKind.Insert) && !kinds ? undefined : outKinds);
  }

  /** One row of a semi/anti join: left rows are kept with their match counts; right rows flip them. */
  private processSemi(s: 0 | 1, row: Row, retract: boolean, k: unknown, now: number, emit: (row: Row, kind: RowKind) => void): void {
    const anti = this.semi === 'ANTI';
    if (k === null) {
      if (s === 0 && anti) emit(row, retract ? RowKind.Delete : RowKind.Insert);
      return;
    }
    const state = touchKey(this.sides[s], k, row, retract, now);
    if (state === null) return;
    const theirs = this.sides[s === 0 ? 1 : 0].forUpdate(k);
    if (theirs) theirs.touchedAt = now;
    if (s === 0) {
      let matched = 0;
      for (const m of theirs?.rows ?? []) if (!this.residualHolds || this.residualHolds(row, m.row)) matched++;
      if ((matched > 0) !== anti) emit(row, retract ? RowKind.Delete : RowKind.Insert);
      if (!retract) storeRow(state, { row, matches: matched });
      return;
    }
    if (!retract) storeRow(state, { row, matches: 0 });
    for (const m of theirs?.rows ?? []) {
      if (this.residualHolds && !this.residualHolds(m.row, row)) continue;
      if (retract) {
        m.matches--;
        if (m.matches === 0) emit(m.row, anti ? RowKind.Insert : RowKind.Delete);
      } else {
        if (m.matches === 0) emit(m.row, anti ? RowKind.Delete : RowKind.Insert);
        m.matches++;
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
      for (const e of m.values()) n += e.rows.length;
      return n;
    };
    return [count(this.sides[0]), count(this.sides[1])];
  }

  snapshot(): unknown {
    return { sides: this.sides };
  }

  restore(state: unknown): void {
    const { sides } = state as { sides: [Map<unknown, KeyState>, Map<unknown, KeyState>] };
    this.sides[0].load(sides[0]);
    this.sides[1].load(sides[1]);
  }
}

/**
 * A row's key state on its own side: for a retraction the stored row is removed (null when it is not
 * there); for an insert the key's state is created if needed (the caller stores the row after matching).
 */
function touchKey(side: Side, k: unknown, row: Row, retract: boolean, now: number): KeyState | null {
  let state = side.forUpdate(k);
  if (retract) {
    const pos = state ? state.rows.findIndex((e) => sameRow(e.row, row)) : -1;
    if (!state || pos < 0) return null;
    state.rows.splice(pos, 1);
    state.touchedAt = now;
    if (state.rows.length === 0) side.delete(k);
    return state;
  }
  if (!state) {
    // NO_ROWS until storeRow gives the key its first row (a one-slot array): no empty array per new key.
    state = { rows: NO_ROWS, touchedAt: now };
    side.set(k, state);
  }
  state.touchedAt = now;
  return state;
}

/**
 * Stores a row under its key. A key's first row gets a one-slot array: pushing onto an empty `[]` would
 * allocate room for 17 entries (V8 grows by half plus 16), about 130 bytes wasted per key, and most keys of
 * a join on a near-unique column (Nexmark q7's price) never get a second row.
 */
/** The rows of a key that has none yet: shared, and frozen so that nothing ever pushes onto it. */
const NO_ROWS: Entry[] = Object.freeze([]) as unknown as Entry[];

function storeRow(state: KeyState, e: Entry): void {
  if (state.rows.length === 0) state.rows = [e];
  else state.rows.push(e);
}

function nulls(n: number): unknown[] {
  return new Array<unknown>(n).fill(null);
}
