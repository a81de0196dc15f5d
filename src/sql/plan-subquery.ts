import { SqlError } from '../core/errors.js';
import { T } from '../core/types.js';
import type { Expr, Query } from './ast.js';
import { Scope } from './binder.js';
import type { PlanHost, Planned } from './plan-host.js';
import type { BExpr, PlanNode } from '../plan/nodes.js';
import { plainType } from './types.js';
import { equiKey, shift, side, splitAnd } from './plan-join.js';

/**
 * WHERE conjuncts `x IN (SELECT y ...)`, `EXISTS (SELECT ... WHERE inner.k = outer.k ...)` and
 * `NOT EXISTS (...)` become semi / anti joins of the input (as Flink plans them: regular joins that keep
 * both sides, so a NOT EXISTS row is retracted when a matching sub-query row arrives). The other conjuncts
 * come back as the remaining WHERE condition.
 */
export function planSubqueryConjuncts(host: PlanHost, where: Expr, input: Planned, ctes: Map<string, Query>): { input: Planned; where: Expr | undefined } {
  const rest: Expr[] = [];
  let current = input;
  for (const c of splitAndAst(where)) {
    if (c.kind === 'inQuery') current = planIn(host, c, current, ctes);
    else if (c.kind === 'exists') current = planExists(host, c, false, current, ctes);
    else if (c.kind === 'unary' && c.op === 'NOT' && c.arg.kind === 'exists') current = planExists(host, c.arg, true, current, ctes);
    else rest.push(c);
  }
  const remaining = rest.length === 0 ? undefined : rest.reduce((a, b): Expr => ({ kind: 'binary', pos: a.pos, op: 'AND', left: a, right: b }));
  return { input: current, where: remaining };
}

function splitAndAst(e: Expr): Expr[] {
  if (e.kind === 'binary' && e.op.toUpperCase() === 'AND') return [...splitAndAst(e.left), ...splitAndAst(e.right)];
  return [e];
}

function planIn(host: PlanHost, c: Extract<Expr, { kind: 'inQuery' }>, input: Planned, ctes: Map<string, Query>): Planned {
  if (c.negated) {
    throw new SqlError(
      'NOT IN (sub-query) is not supported yet: one NULL among the sub-query values makes NOT IN unknown for every row, which a streaming anti join does not express; use NOT EXISTS with an equality (NULLs never match there)',
      c.pos,
    );
  }
  const alias = '$in';
  const sub = host.planFrom({ kind: 'subquery', pos: c.query.pos, query: c.query, alias }, ctes);
  if (sub.node.fields.length !== 1) throw new SqlError(`IN (sub-query) needs a sub-query of one column, found ${sub.node.fields.length}`, c.query.pos);
  // The sub-query's column under a name no outer column has, so that the value binds to the outer row only.
  const scope = input.scope.concat(Scope.of([{ name: '$in_value', type: sub.node.fields[0]!.type }], alias));
  const eq = host.binder.bind({ kind: 'binary', pos: c.pos, op: '=', left: c.arg, right: { kind: 'column', pos: c.pos, path: [alias, '$in_value'] } }, scope);
  if (eq.k !== 'op' || eq.args.length !== 2) throw new SqlError('IN (sub-query): the value and the sub-query column cannot be compared', c.pos);
  const width = input.node.fields.length;
  const [a, b] = eq.args as [BExpr, BExpr];
  if (side(a, width) !== 'L') throw new SqlError('IN (sub-query) needs a value computed from the outer row', c.arg.pos);
  return semiJoin('SEMI', input, sub, [a], [shift(b, width)], null);
}

function planExists(host: PlanHost, c: Extract<Expr, { kind: 'exists' }>, negated: boolean, input: Planned, ctes: Map<string, Query>): Planned {
  const body = c.query.body;
  const what = negated ? 'NOT EXISTS' : 'EXISTS';
  if (body.kind !== 'select' || c.query.with.length > 0 || c.query.orderBy.length > 0 || c.query.limit !== undefined) {
    throw new SqlError(`${what} is supported over one SELECT ... FROM ... WHERE (no UNION, WITH, ORDER BY or LIMIT)`, c.query.pos);
  }
  if (body.groupBy.length > 0 || body.having || body.distinct) {
    throw new SqlError(`${what} over a sub-query with GROUP BY, HAVING or DISTINCT is not supported yet`, body.pos);
  }
  if (!body.from || !body.where) {
    throw new SqlError(`${what} needs a correlated sub-query: FROM a table and WHERE an equality between one of its columns and a column of the outer query`, c.pos);
  }
  const sub = host.planFrom(body.from, ctes);
  const scope = input.scope.concat(sub.scope);
  const cond = host.binder.bind(body.where, scope);
  const width = input.node.fields.length;
  const leftKeys: BExpr[] = [];
  const rightKeys: BExpr[] = [];
  const residual: BExpr[] = [];
  for (const x of splitAnd(cond)) {
    const key = equiKey(x, width);
    if (key) {
      leftKeys.push(key[0]);
      rightKeys.push(key[1]);
      continue;
    }
    residual.push(x);
  }
  if (leftKeys.length === 0) {
    throw new SqlError(`${what} needs an equality between a column of the sub-query and a column of the outer query in its WHERE (an uncorrelated ${what} is not supported on streams)`, body.where.pos);
  }
  const res = residual.length === 0 ? null : residual.reduce((a, b): BExpr => ({ k: 'op', op: 'AND', args: [a, b], type: T.BOOLEAN }));
  return semiJoin(negated ? 'ANTI' : 'SEMI', input, sub, leftKeys, rightKeys, res);
}

function semiJoin(semi: 'SEMI' | 'ANTI', left: Planned, right: Planned, leftKeys: BExpr[], rightKeys: BExpr[], residual: BExpr | null): Planned {
  const node: PlanNode = {
    kind: 'join',
    joinType: 'INNER',
    semi,
    left: left.node,
    right: right.node,
    leftKeys,
    rightKeys,
    residual,
    fields: left.node.fields.map((f) => ({ name: f.name, type: plainType(f.type) })),
    // SEMI over append-only inputs only ever adds matches; ANTI retracts a row when its first match arrives.
    updating: left.node.updating || right.node.updating || semi === 'ANTI',
    rowtimeIndex: undefined,
    note: semi === 'SEMI' ? 'semi join (IN / EXISTS sub-query)' : 'anti join (NOT EXISTS): a row is retracted when a matching sub-query row arrives',
  };
  return { node, scope: new Scope(left.scope.columns.map((c) => ({ ...c, type: plainType(c.type) }))) };
}
