import type { Expr, Select } from './ast.js';
import { mapChildren } from './ast-walk.js';

/**
 * GROUPING SETS, ROLLUP and CUBE, planned as Flink's result defines them: one aggregation per grouping set,
 * their rows together (UNION ALL). In the branch of a set, a key that is not in the set reads as NULL
 * outside aggregate arguments, and GROUPING(k1, ...) is the bit vector of the keys left out (1 = not
 * grouped; the first key is the highest bit), as a BIGINT.
 */
export function expandGroupingSets(s: Select, isAggregate: (name: string) => boolean): Select[] {
  const sets = s.groupingSets ?? [s.groupBy];
  return sets.map((set) => {
    const missing = s.groupBy.filter((k) => !set.some((x) => sameExpr(x, k)));
    const rewrite = (e: Expr): Expr => rewriteForSet(e, set, missing, isAggregate);
    const { groupingSets: _sets, ...rest } = s;
    const branch: Select = {
      ...rest,
      groupBy: set,
      items: s.items.map((i) => (i.kind === 'expr' ? { ...i, expr: rewrite(i.expr) } : i)),
      ...(s.having ? { having: rewrite(s.having) } : {}),
    };
    return branch;
  });
}

function rewriteForSet(e: Expr, set: readonly Expr[], missing: readonly Expr[], isAggregate: (name: string) => boolean): Expr {
  if (missing.some((k) => sameExpr(k, e))) return { kind: 'literal', pos: e.pos, value: null };
  if (e.kind === 'call' && (e.name === 'GROUPING' || e.name === 'GROUPING_ID') && !e.over) {
    let bits = 0;
    for (const a of e.args) bits = bits * 2 + (set.some((k) => sameExpr(k, a)) ? 0 : 1);
    return { kind: 'cast', pos: e.pos, arg: { kind: 'literal', pos: e.pos, value: bits }, type: { name: 'BIGINT', params: [] }, safe: false };
  }
  // Aggregate arguments see the input rows, where every key has its value.
  if (e.kind === 'call' && !e.over && isAggregate(e.name)) return e;
  return mapChildren(e, (x) => rewriteForSet(x, set, missing, isAggregate));
}


/** The same expression, wherever it is written (positions ignored; names compared case-insensitively). */
export function sameExpr(a: Expr, b: Expr): boolean {
  return exprKey(a) === exprKey(b);
}

function exprKey(e: Expr): string {
  return JSON.stringify(e, (k, v: unknown) => (k === 'pos' ? undefined : typeof v === 'string' && (k === 'path' || k === 'name') ? v.toLowerCase() : v));
}
