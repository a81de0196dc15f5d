import { SqlError } from '../core/errors.js';
import { aggregateExprs, columnRefs, correlateGeneratorExprs, matchInputExprs, planInputs, visitBExpr } from './children.js';
import type { BExpr, PlanNode } from './nodes.js';
import { dispatchPlan, type PlanNodeOf, type PlanVisitor } from './visitor.js';

/** Passes over a finished plan: projection pushdown into the scans, and where asynchronous calls may run. */

// ---- projection pushdown: which columns each scan must decode -------------------------------------------
/** Marks in each scan the columns the plan reads from it, so that its decoder can skip the rest. */
export function computeUsedColumns(root: PlanNode): void {
  need(root, new Set(root.fields.map((_, i) => i)));
}

function need(n: PlanNode, cols: Set<number>): void {
  dispatchPlan(n, NEED, cols);
}

/** The columns below `width` of `cols`: the input's share of a node that appends columns. */
const inputShare = (cols: Set<number>, width: number): Set<number> => new Set([...cols].filter((c) => c < width));

const needJoin = (n: PlanNodeOf<'join' | 'intervalJoin' | 'temporalJoin'>, cols: Set<number>): void => {
  const w = n.left.fields.length;
  // A regular join stores only the columns read above it (and by its residual): record them, adding to
  // those of another path to the same node.
  if (n.kind === 'join' && !n.window) {
    const node = n as unknown as { used?: Set<number> };
    const used = (node.used ??= new Set());
    for (const c of cols) used.add(c);
  }
  const all = new Set(cols);
  if (n.residual) columnRefs([n.residual], all);
  const l = columnRefs(n.leftKeys);
  const r = columnRefs(n.rightKeys);
  for (const c of all) (c < w ? l : r).add(c < w ? c : c - w);
  if (n.kind === 'intervalJoin' || n.kind === 'temporalJoin') {
    if (n.leftTime !== undefined) l.add(n.leftTime);
    if (n.rightTime !== undefined) r.add(n.rightTime);
  } else if (n.window) {
    l.add(n.window.leftStart).add(n.window.leftEnd);
    r.add(n.window.rightStart).add(n.window.rightEnd);
  }
  need(n.left, l);
  need(n.right, r);
};

/** For each kind: given the output columns read above it, the input columns it reads. */
const NEED: PlanVisitor<void, Set<number>> = {
  scan: (n, cols) => {
    for (const c of cols) (n.used as Set<number>).add(c);
    if (n.rowtimeIndex !== undefined) (n.used as Set<number>).add(n.rowtimeIndex);
  },
  // The key identifies the row; the other columns read are compared to tell an update from a repeat.
  changelogNormalize: (n, cols) => need(n.input, new Set([...cols, ...n.keys])),
  filter: (n, cols) => need(n.input, columnRefs([n.predicate], new Set(cols))),
  project: (n) => need(n.input, columnRefs(n.exprs)),
  windowAggregate: (n) => need(n.input, columnRefs([...n.keys, ...aggregateExprs(n.aggs)]).add(n.window.timeIndex)),
  groupAggregate: (n) => need(n.input, columnRefs([...n.keys, ...aggregateExprs(n.aggs)])),
  // A set operation (INTERSECT / EXCEPT) compares whole rows: every column is read.
  union: (n, cols) => n.inputs.forEach((i) => need(i, n.setOp ? new Set(i.fields.map((_, c) => c)) : new Set(cols))),
  intervalJoin: needJoin,
  join: needJoin,
  windowTvf: (n, cols) => need(n.input, inputShare(cols, n.input.fields.length).add(n.window.timeIndex)),
  correlate: (n, cols) => need(n.input, columnRefs(correlateGeneratorExprs(n), inputShare(cols, n.input.fields.length))),
  rank: (n, cols) => need(n.input, columnRefs([...n.partitionKeys, ...n.orderBy.map((o) => o.expr)], inputShare(cols, n.input.fields.length))),
  over: (n, cols) =>
    need(n.input, columnRefs([...n.partitionKeys, ...aggregateExprs(n.aggs)], inputShare(cols, n.input.fields.length)).add(n.timeIndex)),
  temporalJoin: needJoin,
  match: (n) => need(n.input, columnRefs(matchInputExprs(n)).add(n.timeIndex)),
  lookupJoin: (n, cols) => {
    const all = n.residual ? columnRefs([n.residual], new Set(cols)) : cols;
    need(n.input, columnRefs(n.keys.map((k) => k.expr), inputShare(all, n.input.fields.length)));
  },
};

// ---- asynchronous functions: only where the runtime lifts them out ------------------------------------

/** The first call of an asynchronous scalar function (evalAsync, no eval) inside `b`. */
function findAsyncCall(b: BExpr): Extract<BExpr, { k: 'call' }> | undefined {
  let found: Extract<BExpr, { k: 'call' }> | undefined;
  visitBExpr(b, (x) => {
    if (found || x.k !== 'call' || x.fn.def.kind !== 'scalar') return;
    if (!x.fn.def.eval && x.fn.def.evalAsync) found = x;
  });
  return found;
}

function rejectAsync(exprs: readonly (BExpr | null | undefined)[], where: string): void {
  for (const e of exprs) {
    const call = e ? findAsyncCall(e) : undefined;
    if (call) {
      throw new SqlError(
        `function ${call.name} is asynchronous (evalAsync) and cannot be used in ${where}; async functions run in SELECT, WHERE, HAVING, GROUP BY keys and aggregate arguments (compute the value in a sub-query or view first)`,
        call.pos,
      );
    }
  }
}

const asyncAllowed = (): void => {};
const joinCondition = (n: PlanNodeOf<'join' | 'intervalJoin' | 'temporalJoin'>): void => rejectAsync([...n.leftKeys, ...n.rightKeys, n.residual], 'a join condition');

/** For each kind: rejects async calls in the expressions the runtime needs synchronously. */
const ASYNC_PLACEMENT: PlanVisitor<void> = {
  scan: asyncAllowed,
  changelogNormalize: asyncAllowed,
  filter: asyncAllowed,
  project: asyncAllowed,
  windowTvf: asyncAllowed,
  windowAggregate: asyncAllowed,
  groupAggregate: asyncAllowed,
  union: asyncAllowed,
  intervalJoin: joinCondition,
  join: joinCondition,
  correlate: (n) => rejectAsync(correlateGeneratorExprs(n), n.generator.type === 'unnest' ? 'UNNEST' : 'the arguments of a table function'),
  rank: (n) => rejectAsync([...n.partitionKeys, ...n.orderBy.map((o) => o.expr)], 'the PARTITION BY or ORDER BY of ROW_NUMBER()'),
  over: (n) => rejectAsync([...n.partitionKeys, ...aggregateExprs(n.aggs)], 'an OVER window'),
  temporalJoin: joinCondition,
  match: (n) => rejectAsync([...matchInputExprs(n), ...n.defines, ...n.measures], 'MATCH_RECOGNIZE'),
  lookupJoin: (n) => rejectAsync([...n.keys.map((k) => k.expr), n.residual], 'a join condition'),
};

/**
 * Async calls run where a batch's calls can be made together before the rows move on (AsyncCalc): filters,
 * projections, and the GROUP BY keys, aggregate arguments and FILTER clauses of an aggregation (computed by an
 * async pre-step into extra columns). A join condition, UNNEST / table-function arguments and an OVER or
 * ROW_NUMBER clause need the value synchronously: rejected here so that `dirk validate` names the call
 * instead of the job failing when it starts.
 */
export function assertAsyncPlacement(n: PlanNode): void {
  dispatchPlan(n, ASYNC_PLACEMENT, undefined);
  planInputs(n).forEach(assertAsyncPlacement);
}
