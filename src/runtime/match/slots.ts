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

export class SlotEvaluator {
  private readonly fns: SlotFn[];

  constructor(slots: readonly MatchSlot[], now: () => number) {
    this.fns = slots.map((s) => slotFn(s, now));
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
