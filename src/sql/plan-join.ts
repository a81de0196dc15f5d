import { SqlError } from '../core/errors.js';
import { T, type Field } from '../core/types.js';
import type { FromItem, Query } from './ast.js';
import { Scope } from './binder.js';
import type { PlanHost, Planned } from './plan-host.js';
import { mapOperands, visitBExpr } from '../plan/children.js';
import type { BExpr, PlanNode } from '../plan/nodes.js';
import { isRowtime, plainType } from './types.js';
import { planWindowJoin } from './plan-window-join.js';

/**
 * A join of two inputs: equalities between them become the keys; comparisons of their time attributes
 * (`b.t BETWEEN a.t AND a.t + INTERVAL ...`) make it an interval join; the rest is a residual condition.
 */
export function planJoin(host: PlanHost, f: Extract<FromItem, { kind: 'join' }>, ctes: Map<string, Query>): Planned {
  const left = host.planFrom(f.left, ctes);
  const right = host.planFrom(f.right, ctes);
  assertNotSession(left.node, f.left);
  assertNotSession(right.node, f.right);
  const scope = left.scope.concat(right.scope);
  const width = left.node.fields.length;
  if (f.type === 'CROSS' || !f.on) throw new SqlError('a join needs an ON condition with an equality between the two inputs (CROSS JOIN is not supported on streams)', f.pos);
  const cond = host.binder.bind(f.on, scope);
  const conjuncts = splitAnd(cond);
  const leftKeys: BExpr[] = [];
  const rightKeys: BExpr[] = [];
  const residual: BExpr[] = [];
  let lower = -Infinity;
  let upper = Infinity;
  let leftTime: number | undefined;
  let rightTime: number | undefined;
  const timeConjuncts: BExpr[] = [];
  for (const c of conjuncts) {
    const key = equiKey(c, width);
    if (key) {
      leftKeys.push(key[0]);
      rightKeys.push(key[1]);
      continue;
    }
    const bound = timeBound(c, width, scope);
    if (bound) {
      if ((leftTime !== undefined && leftTime !== bound.leftTime) || (rightTime !== undefined && rightTime !== bound.rightTime)) {
        throw new SqlError('an interval join must compare one time attribute of each input', f.on.pos);
      }
      leftTime = bound.leftTime;
      rightTime = bound.rightTime;
      if (bound.lower !== undefined) lower = Math.max(lower, bound.lower);
      if (bound.upper !== undefined) upper = Math.min(upper, bound.upper);
      timeConjuncts.push(c);
      continue;
    }
    residual.push(c);
  }
  const joinType = f.type as 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
  const windowed = planWindowJoin({ joinType, left: left.node, right: right.node, leftKeys, rightKeys, residual: [...residual, ...timeConjuncts], pos: f.pos });
  if (windowed) return { node: windowed, scope: new Scope(scope.columns.map((c) => ({ ...c, type: plainType(c.type) }))) };
  const fields: Field[] = [...left.node.fields, ...right.node.fields];
  // As Flink: a time condition that does not bound one input's time attribute from both sides by the other's
  // (`b.t >= a.t` alone, or `b.t BETWEEN a.t AND a.expires`) is an ordinary condition of a regular join.
  const bothBounds = leftTime !== undefined && rightTime !== undefined && Number.isFinite(lower) && Number.isFinite(upper);
  const note = leftTime !== undefined && !bothBounds ? 'regular join: the time condition does not bound both sides by time attributes (an interval join needs a lower and an upper bound)' : undefined;
  if (!bothBounds) residual.push(...timeConjuncts);
  const residualExpr = residual.length === 0 ? null : residual.reduce((a, b): BExpr => ({ k: 'op', op: 'AND', args: [a, b], type: T.BOOLEAN }));
  if (bothBounds) {
    if (left.node.updating || right.node.updating) throw new SqlError('an interval join needs append-only inputs', f.pos);
    const node: PlanNode = {
      kind: 'intervalJoin',
      joinType,
      left: left.node,
      right: right.node,
      leftKeys,
      rightKeys,
      leftTime: leftTime!,
      rightTime: rightTime!,
      lower,
      upper,
      residual: residualExpr,
      fields,
      updating: false,
      rowtimeIndex: leftTime,
    };
    return { node, scope };
  }
  // An interval join may have no equality key (one shared buffer); a regular join would keep everything.
  if (leftKeys.length === 0) throw new SqlError('a join needs at least one equality between the two inputs in ON', f.on.pos);
  // Regular joins: an outer join retracts its NULL-padded rows when a match arrives, so it is updating.
  const plainFields = fields.map((x) => ({ name: x.name, type: plainType(x.type) }));
  const node: PlanNode = {
    kind: 'join',
    joinType,
    left: left.node,
    right: right.node,
    leftKeys,
    rightKeys,
    residual: residualExpr,
    fields: plainFields,
    updating: left.node.updating || right.node.updating || joinType !== 'INNER',
    rowtimeIndex: undefined,
    ...(note ? { note } : {}),
  };
  return { node, scope: new Scope(scope.columns.map((c) => ({ ...c, type: plainType(c.type) }))) };
}

/** `left expr = right expr` between the two inputs: the pair (the right one re-based onto the right input). */
export function equiKey(c: BExpr, width: number): [BExpr, BExpr] | undefined {
  if (c.k !== 'op' || c.op !== '=') return undefined;
  const [a, b] = c.args as [BExpr, BExpr];
  const sa = side(a, width);
  const sb = side(b, width);
  if (sa === 'L' && sb === 'R') return [a, shift(b, width)];
  if (sa === 'R' && sb === 'L') return [b, shift(a, width)];
  return undefined;
}

export function splitAnd(b: BExpr): BExpr[] {
  if (b.k === 'op' && b.op === 'AND') return b.args.flatMap(splitAnd);
  return [b];
}

export function side(b: BExpr, width: number): 'L' | 'R' | 'BOTH' | 'NONE' {
  let l = false;
  let r = false;
  visitBExpr(b, (x) => {
    if (x.k === 'col') {
      if (x.index < width) l = true;
      else r = true;
    }
  });
  return l && r ? 'BOTH' : l ? 'L' : r ? 'R' : 'NONE';
}

/** Re-bases column references of the right input (positions in the joined row) onto the right input alone. */
export function shift(b: BExpr, width: number): BExpr {
  return b.k === 'col' ? { ...b, index: b.index - width } : mapOperands(b, (c) => shift(c, width));
}

/**
 * Recognises `x.time <op> y.time [+/- INTERVAL]` between the two inputs' time attributes and turns it into
 * a bound on (right.time - left.time).
 */
function timeBound(
  c: BExpr,
  width: number,
  scope: Scope,
): { leftTime: number; rightTime: number; lower?: number; upper?: number } | undefined {
  if (c.k !== 'op' || !['<', '<=', '>', '>=', '='].includes(c.op)) return undefined;
  const a = timeTerm(c.args[0]!, scope);
  const b = timeTerm(c.args[1]!, scope);
  if (!a || !b) return undefined;
  const aLeft = a.index < width;
  const bLeft = b.index < width;
  if (aLeft === bLeft) return undefined;
  // a.t + a.off  OP  b.t + b.off   =>   (a.t - b.t) OP (b.off - a.off)
  let o: string = c.op;
  let k = b.off - a.off;
  let leftTime = bLeft ? b.index : a.index;
  let rightTime = (bLeft ? a.index : b.index) - width;
  if (bLeft) {
    // a is right: (r - l) OP k
  } else {
    // a is left: (l - r) OP k  =>  (r - l) OP' -k
    k = -k;
    o = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' } as Record<string, string>)[o]!;
  }
  switch (o) {
    case '<':
      return { leftTime, rightTime, upper: k - 1 };
    case '<=':
      return { leftTime, rightTime, upper: k };
    case '>':
      return { leftTime, rightTime, lower: k + 1 };
    case '>=':
      return { leftTime, rightTime, lower: k };
    default:
      return { leftTime, rightTime, lower: k, upper: k };
  }
}

function timeTerm(b: BExpr, scope: Scope): { index: number; off: number } | undefined {
  if (b.k === 'col' && isRowtime(scope.columns[b.index]?.type ?? T.NULL)) return { index: b.index, off: 0 };
  if (b.k === 'op' && (b.op === 'TS_ADD_INTERVAL' || b.op === 'TS_SUB_INTERVAL')) {
    const base = timeTerm(b.args[0]!, scope);
    const iv = b.args[1]!;
    if (base && iv.k === 'lit' && typeof iv.value === 'number') {
      return { index: base.index, off: base.off + (b.op === 'TS_ADD_INTERVAL' ? iv.value : -iv.value) };
    }
  }
  return undefined;
}

/**
 * A SESSION window table function's rows get their window only when the session closes, and only an
 * aggregation waits for that; joined directly, they would never be emitted.
 */
function assertNotSession(n: PlanNode, from: FromItem): void {
  if (n.kind === 'windowTvf' && n.window.type === 'SESSION') {
    throw new SqlError(
      'a SESSION window table function cannot be joined directly: its sessions close only for an aggregation, so the join would emit nothing; aggregate it in a sub-query (GROUP BY window_start, window_end and its PARTITION BY keys) and join that',
      from.pos,
    );
  }
}
