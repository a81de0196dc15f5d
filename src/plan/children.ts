import type { AggCall, BExpr, PlanNode } from './nodes.js';
import { dispatchExpr, dispatchPlan, type ExprVisitor, type PlanNodeOf, type PlanVisitor } from './visitor.js';

/**
 * The one enumeration of what a plan node or bound expression contains: a node's inputs, the expressions
 * a node evaluates, an expression's operands. Walks, rewrites and printers go through these instead of
 * listing the fields of each kind again.
 */

export type ScanNode = PlanNodeOf<'scan'>;

const single = (n: { readonly input: PlanNode }): readonly PlanNode[] => [n.input];
const twoSided = (n: { readonly left: PlanNode; readonly right: PlanNode }): readonly PlanNode[] => [n.left, n.right];

const INPUTS: PlanVisitor<readonly PlanNode[]> = {
  scan: () => [],
  changelogNormalize: single,
  filter: single,
  project: single,
  windowAggregate: single,
  groupAggregate: single,
  union: (n) => n.inputs,
  intervalJoin: twoSided,
  join: twoSided,
  correlate: single,
  windowTvf: single,
  rank: single,
  over: single,
  lookupJoin: single,
  temporalJoin: twoSided,
  match: single,
};

/** The inputs of a plan node, left to right. */
export function planInputs(n: PlanNode): readonly PlanNode[] {
  return dispatchPlan(n, INPUTS, undefined);
}

/** Every scan under `n`, left to right. */
export function collectScans(n: PlanNode, out: ScanNode[] = []): ScanNode[] {
  if (n.kind === 'scan') out.push(n);
  else for (const i of planInputs(n)) collectScans(i, out);
  return out;
}

/** The expressions of aggregate calls: arguments, then the FILTER clause when there is one. */
export function aggregateExprs(aggs: readonly AggCall[]): BExpr[] {
  return aggs.flatMap((a) => (a.filter ? [...a.args, a.filter] : [...a.args]));
}

/** The expressions UNNEST or a table function is called with. */
export function correlateGeneratorExprs(n: PlanNodeOf<'correlate'>): readonly BExpr[] {
  return n.generator.type === 'unnest' ? [n.generator.expr] : n.generator.args;
}

const joinExprs = (n: PlanNodeOf<'join' | 'intervalJoin' | 'temporalJoin'>): BExpr[] => [...n.leftKeys, ...n.rightKeys, ...(n.residual ? [n.residual] : [])];

const EXPRESSIONS: PlanVisitor<readonly BExpr[]> = {
  scan: () => [],
  changelogNormalize: () => [],
  filter: (n) => [n.predicate],
  project: (n) => n.exprs,
  windowAggregate: (n) => [...n.keys, ...aggregateExprs(n.aggs)],
  groupAggregate: (n) => [...n.keys, ...aggregateExprs(n.aggs)],
  union: () => [],
  intervalJoin: joinExprs,
  join: joinExprs,
  correlate: correlateGeneratorExprs,
  windowTvf: (n) => n.partitionKeys ?? [],
  rank: (n) => [...n.partitionKeys, ...n.orderBy.map((o) => o.expr)],
  over: (n) => [...n.partitionKeys, ...aggregateExprs(n.aggs)],
  lookupJoin: (n) => [...n.keys.map((k) => k.expr), ...(n.residual ? [n.residual] : [])],
  temporalJoin: joinExprs,
  match: (n) => matchInputExprs(n),
};

/** The expressions of a MATCH_RECOGNIZE over its input rows (DEFINE and MEASURES are over its slot row). */
export function matchInputExprs(n: PlanNodeOf<'match'>): BExpr[] {
  const slotExprs = n.slots.flatMap((s) => (s.k === 'nav' ? [s.expr] : s.k === 'agg' ? aggregateExprs([s.call]) : []));
  return [...n.partitionKeys, ...n.orderBy.map((o) => o.expr), ...slotExprs];
}

/** The expressions a plan node evaluates (not those of its inputs). */
export function nodeExpressions(n: PlanNode): readonly BExpr[] {
  return dispatchPlan(n, EXPRESSIONS, undefined);
}

type Rebuild = (c: BExpr) => BExpr;

/** Rebuilds an expression with `f` applied to each direct operand; leaves are returned as they are. */
const MAP_OPERANDS: ExprVisitor<BExpr, Rebuild> = {
  col: (b) => b,
  lit: (b) => b,
  call: (b, f) => ({ ...b, args: b.args.map(f) }),
  op: (b, f) => ({ ...b, args: b.args.map(f) }),
  case: (b, f) => ({ ...b, whens: b.whens.map(([c, v]) => [f(c), f(v)] as const), else: b.else ? f(b.else) : null }),
  cast: (b, f) => ({ ...b, arg: f(b.arg) }),
  field: (b, f) => ({ ...b, arg: f(b.arg) }),
  index: (b, f) => ({ ...b, arg: f(b.arg), index: f(b.index) }),
  like: (b, f) => ({ ...b, arg: f(b.arg), pattern: f(b.pattern) }),
  in: (b, f) => ({ ...b, arg: f(b.arg), list: b.list.map(f) }),
};

export function mapOperands(b: BExpr, f: Rebuild): BExpr {
  return dispatchExpr(b, MAP_OPERANDS, f);
}

const OPERANDS: ExprVisitor<readonly BExpr[]> = {
  col: () => [],
  lit: () => [],
  call: (b) => b.args,
  op: (b) => b.args,
  case: (b) => [...b.whens.flatMap(([c, v]) => [c, v]), ...(b.else ? [b.else] : [])],
  cast: (b) => [b.arg],
  field: (b) => [b.arg],
  index: (b) => [b.arg, b.index],
  like: (b) => [b.arg, b.pattern],
  in: (b) => [b.arg, ...b.list],
};

/** The direct operands of an expression, in evaluation order. */
export function exprOperands(b: BExpr): readonly BExpr[] {
  return dispatchExpr(b, OPERANDS, undefined);
}

/** Calls `f` on `b` and on every bound expression inside it, parents first. */
export function visitBExpr(b: BExpr, f: (x: BExpr) => void): void {
  f(b);
  for (const c of exprOperands(b)) visitBExpr(c, f);
}

/** Does `b` read a column at position `from` or after? */
export function refsColumnsFrom(b: BExpr, from: number): boolean {
  let found = false;
  visitBExpr(b, (x) => {
    if (x.k === 'col' && x.index >= from) found = true;
  });
  return found;
}

/** The input column positions read by `exprs`, added to `into`. */
export function columnRefs(exprs: readonly (BExpr | null | undefined)[], into: Set<number> = new Set()): Set<number> {
  for (const e of exprs) if (e) visitBExpr(e, (x) => x.k === 'col' && into.add(x.index));
  return into;
}
