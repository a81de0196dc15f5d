import type { Row } from '../../core/types.js';
import { columnRefs } from '../../plan/children.js';
import type { BExpr, MatchSlot } from '../../plan/nodes.js';
import { createAccumulator, type Accumulator } from '../aggregates.js';
import { compileExpr, compilePredicate, compileProjection, type RowFn } from '../expr/compile.js';
import type { MatchedRow } from './nfa.js';

/**
 * Computes the slot row DEFINE conditions and MEASURES read (see plan/nodes.ts MatchSlot): navigation
 * (FIRST/LAST over a variable's rows), aggregates over a variable's rows, MATCH_ROWTIME / MATCH_PROCTIME.
 * In DEFINE the rows of a variable are those mapped so far plus the row being tested when it is tested for
 * that variable; `*` (no variable) is every row so far plus the tested row (Flink's pattern variable
 * referencing). Slots are computed per evaluation, only those the expression reads.
 */
type SlotFn = (rows: readonly MatchedRow[], cand: Row | undefined, candVar: number) => unknown;

/**
 * Accumulators of incremental aggregates, per slot, kept on a partial match's rows array under a symbol:
 * structured clone and v8 serialisation skip symbol-keyed properties, so they never reach a checkpoint (after a
 * restore they are computed from the rows once), and they go with the array when the partial match goes.
 */
const ACCS = Symbol('matchAccumulators');
type WithAccs = readonly MatchedRow[] & { [ACCS]?: unknown[] };
const setAccs = (rows: readonly MatchedRow[], accs: unknown[]): void => {
  (rows as MatchedRow[] & { [ACCS]?: unknown[] })[ACCS] = accs;
};

export class SlotEvaluator {
  private readonly fns: SlotFn[];
  private readonly incrementals: { index: number; acc: Accumulator; variable: number | null }[] = [];

  constructor(slots: readonly MatchSlot[], now: () => number) {
    this.fns = slots.map((s, i) => (s.k === 'agg' && s.incremental ? this.incremental(s, i) : slotFn(s, now)));
  }

  /**
   * Partial match `child` grew from `parent` by its last row: its accumulators are the parent's plus that row
   * (those the parent has; the others are computed when first needed).
   */
  derived(child: readonly MatchedRow[], parent: readonly MatchedRow[]): void {
    const from = (parent as WithAccs)[ACCS];
    if (!from || this.incrementals.length === 0) return;
    const last = child[child.length - 1]!;
    const accs: unknown[] = [];
    for (const { index, acc, variable } of this.incrementals) {
      const p = from[index];
      if (p === undefined) continue;
      const a = acc.create();
      acc.merge(a, p);
      if (variable === null || last.v === variable) acc.add(a, last.row);
      accs[index] = a;
    }
    setAccs(child, accs);
  }

  private incremental(s: Extract<MatchSlot, { k: 'agg' }>, index: number): SlotFn {
    const acc: Accumulator = createAccumulator(s.call, false);
    this.incrementals.push({ index, acc, variable: s.variable });
    const accOf = (rows: readonly MatchedRow[]): unknown => {
      let accs = (rows as WithAccs)[ACCS];
      const cached = accs?.[index];
      if (cached !== undefined) return cached;
      const a = acc.create();
      for (const r of rows) if (s.variable === null || r.v === s.variable) acc.add(a, r.row);
      if (!accs) {
        accs = [];
        setAccs(rows, accs);
      }
      accs[index] = a;
      return a;
    };
    return (rows, cand, candVar) => {
      const base = accOf(rows);
      if (!cand || !(s.variable === null || s.variable === candVar)) return acc.result(base);
      const a = acc.create();
      acc.merge(a, base);
      acc.add(a, cand);
      return acc.result(a);
    };
  }

  /** A slot row with the slots `needed` filled. */
  row(needed: readonly number[], rows: readonly MatchedRow[], cand: Row | undefined, candVar: number): Row {
    const out: unknown[] = new Array(this.fns.length);
    for (const i of needed) out[i] = this.fns[i]!(rows, cand, candVar);
    return out;
  }
}

/** The rows of `variable` (all rows when null), the candidate last when it belongs to them. */
function rowsOf(rows: readonly MatchedRow[], cand: Row | undefined, candVar: number, variable: number | null): Row[] {
  const out: Row[] = [];
  for (const r of rows) if (variable === null || r.v === variable) out.push(r.row);
  if (cand && (variable === null || variable === candVar)) out.push(cand);
  return out;
}

function slotFn(s: MatchSlot, now: () => number): SlotFn {
  switch (s.k) {
    case 'nav': {
      const value: RowFn = compileExpr(s.expr);
      return (rows, cand, candVar) => {
        const list = rowsOf(rows, cand, candVar, s.variable);
        const i = s.first ? s.offset : list.length - 1 - s.offset;
        const row = list[i];
        return row === undefined ? null : value(row);
      };
    }
    case 'agg': {
      const acc: Accumulator = createAccumulator(s.call, false);
      return (rows, cand, candVar) => {
        const a = acc.create();
        for (const row of rowsOf(rows, cand, candVar, s.variable)) acc.add(a, row);
        return acc.result(a);
      };
    }
    case 'matchRowtime':
      return (rows) => rows[rows.length - 1]?.time ?? null;
    case 'matchProctime':
      return () => now();
  }
}

/** A DEFINE condition as a test over a slot row, with the slots it reads. */
export function compileDefine(b: BExpr | null, now: () => number): { needed: number[]; test: (slotRow: Row) => boolean } | null {
  if (!b) return null;
  return { needed: [...columnRefs([b])], test: compilePredicate(b, now) };
}

export function compileMeasures(measures: readonly BExpr[], now: () => number): { needed: number[]; project: (slotRow: Row) => unknown[] } {
  return { needed: [...columnRefs(measures)], project: compileProjection(measures, now) };
}
