import type { Expr } from './ast.js';
import { correlateGeneratorExprs } from './plan-correlate.js';
import type { BExpr, PlanNode } from './plan.js';

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

export function collectScans(n: PlanNode, out: ScanNode[] = []): ScanNode[] {
  switch (n.kind) {
    case 'scan':
      out.push(n);
      break;
    case 'union':
      n.inputs.forEach((i) => collectScans(i, out));
      break;
    case 'intervalJoin':
    case 'join':
      collectScans(n.left, out);
      collectScans(n.right, out);
      break;
    default:
      collectScans(n.input, out);
  }
  return out;
}
