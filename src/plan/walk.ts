import type { Expr } from '../sql/ast.js';
import { correlateGeneratorExprs } from '../sql/plan-correlate.js';
import { SqlError } from '../core/errors.js';
import { assertNever } from '../core/types.js';
import type { AggCall, BExpr, PlanNode } from './nodes.js';

/** Walks over expressions and plans: visitors, column references, projection pushdown, scans. */

export type ScanNode = Extract<PlanNode, { kind: 'scan' }>;

/** Calls `f` on `e` and on every expression inside it, parents first. */
export function visitExpr(e: Expr, f: (x: Expr) => void): void {
  f(e);
  const kids: (Expr | undefined)[] = [];
  switch (e.kind) {
    case 'call':
      kids.push(...e.args, e.filter);
      break;
    case 'binary':
    case 'isDistinct':
      kids.push(e.left, e.right);
      break;
    case 'unary':
    case 'cast':
    case 'field':
    case 'is':
      kids.push(e.arg);
      break;
    case 'case':
      kids.push(e.operand, e.else, ...e.whens.flatMap((w) => [w.when, w.then]));
      break;
    case 'between':
      kids.push(e.arg, e.low, e.high);
      break;
    case 'in':
      kids.push(e.arg, ...e.list);
      break;
    case 'like':
      kids.push(e.arg, e.pattern);
      break;
    case 'subscript':
      kids.push(e.arg, e.index);
      break;
    case 'array':
    case 'map':
    case 'row':
      kids.push(...e.items);
      break;
    default:
      break;
  }
  for (const k of kids) if (k) visitExpr(k, f);
}

/** Calls `f` on `b` and on every bound expression inside it, parents first. */
export function visitBExpr(b: BExpr, f: (x: BExpr) => void): void {
  f(b);
  switch (b.k) {
    case 'call':
    case 'op':
      b.args.forEach((a) => visitBExpr(a, f));
      break;
    case 'case':
      b.whens.forEach(([c, v]) => {
        visitBExpr(c, f);
        visitBExpr(v, f);
      });
      if (b.else) visitBExpr(b.else, f);
      break;
    case 'cast':
    case 'field':
      visitBExpr(b.arg, f);
      break;
    case 'index':
      visitBExpr(b.arg, f);
      visitBExpr(b.index, f);
      break;
    case 'like':
      visitBExpr(b.arg, f);
      visitBExpr(b.pattern, f);
      break;
    case 'in':
      visitBExpr(b.arg, f);
      b.list.forEach((x) => visitBExpr(x, f));
      break;
    case 'col':
    case 'lit':
      break;
  }
}

export function refsColumnsFrom(b: BExpr, from: number): boolean {
  let found = false;
  visitBExpr(b, (x) => {
    if (x.k === 'col' && x.index >= from) found = true;
  });
  return found;
}

// ---- projection pushdown: which columns each scan must decode -------------------------------------------
/** Marks in each scan the columns the plan reads from it, so that its decoder can skip the rest. */
export function computeUsedColumns(root: PlanNode): void {
  need(root, new Set(root.fields.map((_, i) => i)));
}

function refs(exprs: readonly (BExpr | null | undefined)[], into: Set<number> = new Set()): Set<number> {
  for (const e of exprs) if (e) visitBExpr(e, (x) => x.k === 'col' && into.add(x.index));
  return into;
}

function need(n: PlanNode, cols: Set<number>): void {
  switch (n.kind) {
    case 'scan':
      for (const c of cols) (n.used as Set<number>).add(c);
      if (n.rowtimeIndex !== undefined) (n.used as Set<number>).add(n.rowtimeIndex);
      return;
    case 'filter':
      return need(n.input, refs([n.predicate], new Set(cols)));
    case 'project':
      return need(n.input, refs(n.exprs));
    case 'windowAggregate': {
      const s = refs([...n.keys, ...n.aggs.flatMap((a) => [...a.args, a.filter])]);
      s.add(n.window.timeIndex);
      return need(n.input, s);
    }
    case 'groupAggregate':
      return need(n.input, refs([...n.keys, ...n.aggs.flatMap((a) => [...a.args, a.filter])]));
    case 'union':
      for (const i of n.inputs) need(i, new Set(cols));
      return;
    case 'intervalJoin':
    case 'join': {
      const w = n.left.fields.length;
      const all = new Set(cols);
      if (n.residual) refs([n.residual], all);
      const l = refs(n.leftKeys);
      const r = refs(n.rightKeys);
      for (const c of all) (c < w ? l : r).add(c < w ? c : c - w);
      if (n.kind === 'intervalJoin') {
        l.add(n.leftTime);
        r.add(n.rightTime);
      }
      need(n.left, l);
      need(n.right, r);
      return;
    }
    case 'windowTvf': {
      const w = n.input.fields.length;
      const s = new Set([...cols].filter((c) => c < w));
      s.add(n.window.timeIndex);
      return need(n.input, s);
    }
    case 'correlate': {
      const w = n.input.fields.length;
      return need(n.input, refs(correlateGeneratorExprs(n), new Set([...cols].filter((c) => c < w))));
    }
    case 'rank': {
      const w = n.input.fields.length;
      return need(n.input, refs([...n.partitionKeys, ...n.orderBy.map((o) => o.expr)], new Set([...cols].filter((c) => c < w))));
    }
    case 'over': {
      const w = n.input.fields.length;
      const s = refs([...n.partitionKeys, ...n.aggs.flatMap((a) => [...a.args, a.filter])], new Set([...cols].filter((c) => c < w)));
      s.add(n.timeIndex);
      return need(n.input, s);
    }
  }
}

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

/**
 * Async calls run where a batch's calls can be made together before the rows move on (AsyncCalc): filters,
 * projections, and the GROUP BY keys, aggregate arguments and FILTER clauses of an aggregation (computed by an
 * async pre-step into extra columns). A join condition, UNNEST / table-function arguments and an OVER or
 * ROW_NUMBER clause need the value synchronously: rejected here so that `dirk validate` names the call
 * instead of the job failing when it starts.
 */
export function assertAsyncPlacement(n: PlanNode): void {
  const check = (exprs: readonly (BExpr | null | undefined)[], where: string): void => {
    for (const e of exprs) {
      const call = e ? findAsyncCall(e) : undefined;
      if (call) {
        throw new SqlError(
          `function ${call.name} is asynchronous (evalAsync) and cannot be used in ${where}; async functions run in SELECT, WHERE, HAVING, GROUP BY keys and aggregate arguments (compute the value in a sub-query or view first)`,
          call.pos,
        );
      }
    }
  };
  const aggExprs = (aggs: readonly AggCall[]): (BExpr | null)[] => aggs.flatMap((a) => [...a.args, a.filter]);
  switch (n.kind) {
    case 'scan':
      return;
    case 'filter':
    case 'project':
    case 'windowTvf':
    case 'windowAggregate':
    case 'groupAggregate':
      break;
    case 'union':
      n.inputs.forEach(assertAsyncPlacement);
      return;
    case 'intervalJoin':
    case 'join':
      check([...n.leftKeys, ...n.rightKeys, n.residual], 'a join condition');
      assertAsyncPlacement(n.left);
      assertAsyncPlacement(n.right);
      return;
    case 'correlate':
      check(correlateGeneratorExprs(n), n.generator.type === 'unnest' ? 'UNNEST' : 'the arguments of a table function');
      break;
    case 'rank':
      check([...n.partitionKeys, ...n.orderBy.map((o) => o.expr)], 'the PARTITION BY or ORDER BY of ROW_NUMBER()');
      break;
    case 'over':
      check([...n.partitionKeys, ...aggExprs(n.aggs)], 'an OVER window');
      break;
    default:
      assertNever(n, 'plan node');
  }
  assertAsyncPlacement(n.input);
}

/** The inputs of a plan node, left to right. */
export function planInputs(n: PlanNode): readonly PlanNode[] {
  switch (n.kind) {
    case 'scan':
      return [];
    case 'union':
      return n.inputs;
    case 'intervalJoin':
    case 'join':
      return [n.left, n.right];
    default:
      return [n.input];
  }
}

export function collectScans(n: PlanNode, out: ScanNode[] = []): ScanNode[] {
  if (n.kind === 'scan') out.push(n);
  else for (const i of planInputs(n)) collectScans(i, out);
  return out;
}
