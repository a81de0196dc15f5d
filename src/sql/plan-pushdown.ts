import type { BExpr, PlanNode } from '../plan/nodes.js';
import { passThrough } from './plan-fields.js';
import { shift, side, splitAnd } from './plan-join.js';

/**
 * Filter pushdown into the inputs of a join: the conjuncts of a WHERE over a regular or interval join that
 * read only one input are evaluated on that input's rows before the join, so rows that cannot pass never
 * enter the join's state (Nexmark q3: `WHERE A.category = 10 AND P.state IN (...)` keeps 1 in 5 auctions and
 * half the persons instead of all of them). Flink's planner does the same.
 *
 * Which side may take a conjunct: both of an INNER join; the preserved side of a LEFT (left) or RIGHT (right)
 * outer join, whose rows that fail it would produce only output rows that fail it too (matched or padded with
 * NULLs); none of a FULL join. Only conjuncts that cannot fail or differ by where they run are moved:
 * column references, literals, comparisons, AND / OR / NOT, the IS [NOT] NULL / TRUE / FALSE / DISTINCT tests,
 * IN lists and LIKE. Anything else (arithmetic that can overflow or divide by zero, casts, functions, UDFs,
 * PROCTIME(), CURRENT_WATERMARK(), which is the evaluating operator's own) stays above the join.
 */
export function pushFilterIntoJoin(join: PlanNode, predicate: BExpr): { node: PlanNode; rest: BExpr | undefined } {
  if ((join.kind !== 'join' && join.kind !== 'intervalJoin') || join.joinType === 'FULL') return { node: join, rest: predicate };
  const width = join.left.fields.length;
  const toLeft: BExpr[] = [];
  const toRight: BExpr[] = [];
  const rest: BExpr[] = [];
  for (const c of splitAnd(predicate)) {
    const s = movable(c) ? side(c, width) : 'BOTH';
    if (s === 'L' && join.joinType !== 'RIGHT') toLeft.push(c);
    else if (s === 'R' && join.joinType !== 'LEFT') toRight.push(shift(c, width));
    else rest.push(c);
  }
  if (toLeft.length === 0 && toRight.length === 0) return { node: join, rest: predicate };
  const node: PlanNode = { ...join, left: filtered(join.left, toLeft), right: filtered(join.right, toRight) };
  return { node, rest: rest.length === 0 ? undefined : and(rest) };
}

function and(cs: readonly BExpr[]): BExpr {
  return cs.reduce((a, b): BExpr => ({ k: 'op', op: 'AND', args: [a, b], type: a.type }));
}

function filtered(input: PlanNode, conjuncts: readonly BExpr[]): PlanNode {
  if (conjuncts.length === 0) return input;
  return { ...passThrough(input), kind: 'filter', input, predicate: and(conjuncts) };
}

const MOVABLE_OPS = new Set(['=', '<>', '<', '<=', '>', '>=', 'AND', 'OR', 'NOT', 'IS_NULL', 'IS_NOT_NULL', 'IS_TRUE', 'IS_NOT_TRUE', 'IS_FALSE', 'IS_NOT_FALSE', 'IS_DISTINCT', 'IS_NOT_DISTINCT']);

/** True when `b` is built only of parts that give the same answer, and no error, wherever they run. */
function movable(b: BExpr): boolean {
  switch (b.k) {
    case 'col':
    case 'lit':
      return true;
    case 'op':
      return MOVABLE_OPS.has(b.op) && b.args.every(movable);
    case 'in':
      return movable(b.arg) && b.list.every(movable);
    case 'like':
      return movable(b.arg) && movable(b.pattern);
    default:
      return false;
  }
}
