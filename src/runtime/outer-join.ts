import { RowKind, type Row } from '../core/types.js';
import { compileExpr, compilePredicate } from './expr/compile.js';
import type { BExpr } from '../plan/nodes.js';
import { joinKeyFunction } from './aggregates.js';
import type { Operator, OperatorContext, Output } from './operator.js';
import { KeyedState } from './state/keyed-state.js';
import type { StateSpec } from './state/versioned.js';
import { sameRow } from './rank.js';

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
  private readonly residual: ((r: Row) => boolean) | null;
  private readonly outer: [boolean, boolean];
  private readonly widths: [number, number];
  private readonly sides: [Side, Side];
  private readonly out: Output;
  private readonly now: () => number;

  constructor(
    spec: {
      joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
      leftKeys: readonly BExpr[];
      rightKeys: readonly BExpr[];
      residual: BExpr | null;
      leftWidth: number;
      rightWidth: number;
    },
    ctx: OperatorContext,
  ) {
    this.out = ctx.out;
    this.now = ctx.now;
    this.sides = [new KeyedState(ctx.retentionMs, ctx.now), new KeyedState(ctx.retentionMs, ctx.now)];
    this.name = `${spec.joinType === 'INNER' ? '' : `${spec.joinType}Outer`}Join`;
    this.keyFns = [joinKeyFunction(spec.leftKeys.map(compileExpr)), joinKeyFunction(spec.rightKeys.map(compileExpr))];
    this.residual = spec.residual ? compilePredicate(spec.residual) : null;
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
      if (k === null) {
        if (meOuter) emit(padMine(row), retract ? RowKind.Delete : RowKind.Insert);
        continue;
      }
      let state = mine.forUpdate(k);
      if (retract) {
        const pos = state ? state.rows.findIndex((e) => sameRow(e.row, row)) : -1;
        if (!state || pos < 0) continue; // never seen (or expired by retention): nothing to retract
        state.rows.splice(pos, 1);
        state.touchedAt = now;
        if (state.rows.length === 0) mine.delete(k);
      } else {
        if (!state) {
          state = { rows: [], touchedAt: now };
          mine.set(k, state);
        }
        state.touchedAt = now;
      }
      const theirs = other.forUpdate(k);
      let matched = 0;
      if (theirs) {
        theirs.touchedAt = now;
        for (const m of theirs.rows) {
          const joined = join(row, m.row);
          if (this.residual && !this.residual(joined)) continue;
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
      if (!retract) state!.rows.push({ row, matches: matched });
    }
    if (outRows.length === 0) return;
    this.out.data(outRows, outKinds.every((x) => x === RowKind.Insert) && !kinds ? undefined : outKinds);
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

function nulls(n: number): unknown[] {
  return new Array<unknown>(n).fill(null);
}
