import { SqlError, type SourcePosition } from '../core/errors.js';
import { T, typeToString, type Field } from '../core/types.js';
import type { Expr, Select } from './ast.js';
import { AGGREGATES, Scope, canon, type Binder } from './binder.js';
import { defaultName, expandStar } from './plan-fields.js';
import type { PlanHost, Planned } from './plan-host.js';
import { visitExpr } from './plan-walk.js';
import type { AggCall, BExpr, PlanNode } from './plan.js';
import { isRowtime, plainType } from './types.js';

/**
 * Planning of OVER windows in a SELECT list:
 * - aggregates `SUM(x) OVER (PARTITION BY k ORDER BY rowtime ROWS|RANGE BETWEEN ... AND CURRENT ROW)` become
 *   an `over` node (input columns, then one column per aggregate);
 * - `ROW_NUMBER() OVER (PARTITION BY k ORDER BY ...) AS rn` is only meaningful as Top-N or deduplication:
 *   it plans to a pending `rank` node that the outer query must filter with `rn = 1` / `rn <= N` / `rn < N`
 *   (`consumeRank`); a pending rank left in the final plan is an error at the ROW_NUMBER call.
 */

type Call = Extract<Expr, { kind: 'call' }>;
type RankNode = Extract<PlanNode, { kind: 'rank' }>;

interface PendingRank {
  readonly rank: RankNode;
  /** The SELECT's expressions over (rank input columns..., rn). */
  readonly exprs: readonly BExpr[];
  readonly fields: readonly Field[];
  /** Position of the row-number column in the SELECT's output. */
  readonly rnOut: number;
  readonly rnName: string;
  readonly pos: SourcePosition;
}

const pending = new WeakMap<PlanNode, PendingRank>();

const RANKING = new Set(['ROW_NUMBER', 'RANK', 'DENSE_RANK', 'PERCENT_RANK', 'CUME_DIST', 'NTILE', 'LAG', 'LEAD']);

export function containsOver(e: Expr): boolean {
  let found = false;
  visitExpr(e, (x) => {
    if (x.kind === 'call' && x.over) found = true;
  });
  return found;
}

export function planOverSelect(host: PlanHost, s: Select, input: Planned, isUdaf: (name: string) => boolean): Planned {
  const calls: Call[] = [];
  for (const item of s.items) if (item.kind === 'expr') visitExpr(item.expr, (x) => x.kind === 'call' && x.over && calls.push(x));
  const rowNumbers = calls.filter((c) => c.name === 'ROW_NUMBER');
  for (const c of calls) {
    if (c.name !== 'ROW_NUMBER' && RANKING.has(c.name)) {
      throw new SqlError(`${c.name}() OVER is not supported; use ROW_NUMBER() for Top-N or an aggregate such as SUM(...) OVER`, c.pos);
    }
    if (c.name !== 'ROW_NUMBER' && !AGGREGATES.has(c.name) && !isUdaf(c.name)) {
      throw new SqlError(`${c.name} is not an aggregate function; only aggregates and ROW_NUMBER() can be used with OVER`, c.pos);
    }
  }
  if (rowNumbers.length) return planRowNumber(host, s, input, calls, rowNumbers);
  return planOverAggregates(host, s, input, calls);
}

// ---- ROW_NUMBER: Top-N and deduplication ------------------------------------------------------------

function planRowNumber(host: PlanHost, s: Select, input: Planned, calls: Call[], rowNumbers: Call[]): Planned {
  const rnCall = rowNumbers[0]!;
  if (rowNumbers.length > 1) throw new SqlError('only one ROW_NUMBER() is allowed in a SELECT', rowNumbers[1]!.pos);
  const other = calls.find((c) => c !== rnCall);
  if (other) throw new SqlError('ROW_NUMBER() cannot be combined with other OVER aggregates in one SELECT', other.pos);
  const rnItem = s.items.findIndex((i) => i.kind === 'expr' && i.expr === rnCall);
  if (rnItem < 0) {
    throw new SqlError('ROW_NUMBER() OVER (...) must be a whole SELECT item (e.g. ROW_NUMBER() OVER (PARTITION BY k ORDER BY rowtime) AS rn)', rnCall.pos);
  }
  if (rnCall.args.length) throw new SqlError('ROW_NUMBER() takes no arguments', rnCall.pos);
  if (s.distinct) throw new SqlError('SELECT DISTINCT cannot be combined with ROW_NUMBER()', s.pos);
  const over = rnCall.over!;
  if (over.frame) throw new SqlError('ROW_NUMBER() does not take a window frame (ROWS/RANGE)', rnCall.pos);
  if (over.orderBy.length === 0) throw new SqlError('ROW_NUMBER() needs ORDER BY in its OVER clause', rnCall.pos);
  const binder = host.binder;
  const partitionKeys = over.partitionBy.map((e) => binder.bind(e, input.scope));
  const orderBy = over.orderBy.map((o) => ({ expr: binder.bind(o.expr, input.scope), desc: o.desc }));
  const width = input.node.fields.length;
  const rank: RankNode = {
    kind: 'rank',
    input: input.node,
    partitionKeys,
    orderBy,
    limit: Infinity,
    withRowNumber: true,
    dedup: null,
    fields: [...input.node.fields.map((f) => ({ name: f.name, type: plainType(f.type) })), { name: '$rn', type: T.BIGINT }],
    updating: true,
    rowtimeIndex: undefined,
  };
  const rnScope = input.scope.concat(new Scope([{ qualifier: undefined, name: '$rn', type: T.BIGINT }]));
  const exprs: BExpr[] = [];
  const fields: Field[] = [];
  let rnName = 'rn';
  for (const [i, item] of s.items.entries()) {
    if (item.kind === 'star') {
      expandStar(input.scope, item.table, item.pos, exprs, fields);
      continue;
    }
    if (i === rnItem) {
      rnName = item.alias ?? `EXPR$${fields.length}`;
      exprs.push({ k: 'col', index: width, type: T.BIGINT });
      fields.push({ name: rnName, type: T.BIGINT });
      continue;
    }
    const b = binder.bind(item.expr, rnScope);
    exprs.push(b);
    fields.push({ name: item.alias ?? defaultName(item.expr, fields.length), type: b.type });
  }
  const rnOut = exprs.findIndex((e) => e.k === 'col' && e.index === width);
  const planned = host.project(rank, exprs, fields);
  pending.set(planned.node, { rank, exprs, fields, rnOut, rnName, pos: rnCall.pos });
  return planned;
}

/**
 * If the FROM of `s` is a pending ROW_NUMBER, turns it into a Top-N / deduplication using the `rn` bounds in
 * `s.where`; returns the new input and the rest of the WHERE.
 */
export function consumeRank(host: PlanHost, s: Select, input: Planned): { input: Planned; where: Expr | undefined } | undefined {
  const p = pending.get(input.node);
  if (!p) return undefined;
  const rest: Expr[] = [];
  let limit: number | undefined;
  for (const c of s.where ? splitAndExpr(s.where) : []) {
    const bound = rnBound(host.binder, c, input.scope, p.rnOut);
    if (bound === undefined) {
      rest.push(c);
      continue;
    }
    if (bound.kind === 'bad') throw new SqlError(bound.message, c.pos);
    limit = Math.min(limit ?? Infinity, bound.limit);
  }
  if (limit === undefined) {
    throw new SqlError(
      `ROW_NUMBER() needs a filter on '${p.rnName}' in the outer WHERE (${p.rnName} = 1 for deduplication, ${p.rnName} <= N for Top-N)`,
      p.pos,
    );
  }
  if (limit < 1) throw new SqlError(`the row-number filter keeps no rows (${p.rnName} < 1)`, s.where!.pos);
  const rankInput = p.rank.input;
  const withRowNumber = referencesColumn(s, p.rnName, rest);
  let dedup: RankNode['dedup'] = null;
  const o = p.rank.orderBy;
  if (limit === 1 && o.length === 1 && o[0]!.expr.k === 'col' && isRowtime(o[0]!.expr.type) && o[0]!.expr.index === rankInput.rowtimeIndex && !rankInput.updating) {
    dedup = o[0]!.desc ? 'last' : 'first';
  }
  const width = rankInput.fields.length;
  const partitionOut = p.rank.partitionKeys.map((k) => (k.k === 'col' ? k.index : -1));
  const keyCols = partitionOut.every((i) => i >= 0) ? partitionOut : undefined;
  let fields: Field[];
  let rowtimeIndex: number | undefined;
  if (dedup === 'first') {
    // Append-only: each key's first row is final once the watermark passes it, so the time attribute stays.
    fields = [...rankInput.fields];
    rowtimeIndex = rankInput.rowtimeIndex;
  } else {
    fields = rankInput.fields.map((f) => ({ name: f.name, type: plainType(f.type) }));
    rowtimeIndex = undefined;
  }
  if (withRowNumber) fields.push({ name: p.rnName, type: T.BIGINT });
  let uniqueKey: number[] | undefined;
  if (keyCols) uniqueKey = dedup ? keyCols : withRowNumber ? [...keyCols, width] : undefined;
  const rank: RankNode = {
    kind: 'rank',
    input: rankInput,
    partitionKeys: p.rank.partitionKeys,
    orderBy: p.rank.orderBy,
    limit,
    withRowNumber,
    dedup,
    fields,
    updating: dedup !== 'first',
    rowtimeIndex,
    ...(uniqueKey ? { uniqueKey } : {}),
  };
  // Without the row number, its slot in the SELECT is a NULL nobody reads.
  const exprs = p.exprs.map((e): BExpr => {
    if (e.k === 'col' && e.index === width) return withRowNumber ? { ...e, type: T.BIGINT } : { k: 'lit', value: null, type: T.BIGINT };
    // Only a first-row deduplication keeps the time attribute; an updating result has plain timestamps.
    return e.k === 'col' && dedup !== 'first' ? { ...e, type: plainType(e.type) } : e;
  });
  const projected = host.project(rank, exprs, [...p.fields]);
  const scope = new Scope(projected.scope.columns.map((c, i) => ({ ...c, qualifier: input.scope.columns[i]?.qualifier })));
  const where = rest.length ? rest.reduce((a, b): Expr => ({ kind: 'binary', pos: a.pos, op: 'AND', left: a, right: b })) : undefined;
  return { input: { node: projected.node, scope }, where };
}

type Bound = { kind: 'limit'; limit: number } | { kind: 'eq1'; limit: 1 } | { kind: 'bad'; message: string };

function rnBound(binder: Binder, c: Expr, scope: Scope, rnOut: number): Bound | undefined {
  if (c.kind === 'between' && !c.negated) {
    const arg = tryBind(binder, c.arg, scope);
    if (!(arg && arg.k === 'col' && arg.index === rnOut)) return undefined;
    const lo = intLiteral(c.low);
    const hi = intLiteral(c.high);
    if (lo === undefined || hi === undefined || lo > 1) return { kind: 'bad', message: 'a row-number BETWEEN must start at 1 or lower and use integer literals (e.g. rn BETWEEN 1 AND 3)' };
    return { kind: 'limit', limit: hi };
  }
  if (c.kind !== 'binary' || !['=', '<', '<=', '>', '>='].includes(c.op)) return undefined;
  const l = tryBind(binder, c.left, scope);
  const r = tryBind(binder, c.right, scope);
  const lRn = l?.k === 'col' && l.index === rnOut;
  const rRn = r?.k === 'col' && r.index === rnOut;
  if (!lRn && !rRn) return undefined;
  const n = intLiteral(lRn ? c.right : c.left);
  let op = c.op;
  if (rRn) op = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' } as Record<string, string>)[op]!;
  const supported = 'supported row-number filters are rn = 1, rn <= N and rn < N with an integer literal N';
  if (n === undefined) return { kind: 'bad', message: supported };
  switch (op) {
    case '=':
      return n === 1 ? { kind: 'eq1', limit: 1 } : { kind: 'bad', message: `${supported}; rn = ${n} is not` };
    case '<=':
      return { kind: 'limit', limit: n };
    case '<':
      return { kind: 'limit', limit: n - 1 };
    default:
      // A lower bound such as rn > 1 would need a rank range; only the top of each partition is supported.
      return { kind: 'bad', message: `${supported}; a lower bound (rn ${op} ${n}) is not` };
  }
}

function tryBind(binder: Binder, e: Expr, scope: Scope): BExpr | undefined {
  try {
    return binder.bind(e, scope);
  } catch {
    return undefined;
  }
}

function intLiteral(e: Expr): number | undefined {
  return e.kind === 'literal' && typeof e.value === 'number' && Number.isInteger(e.value) ? e.value : undefined;
}

function splitAndExpr(e: Expr): Expr[] {
  return e.kind === 'binary' && e.op === 'AND' ? [...splitAndExpr(e.left), ...splitAndExpr(e.right)] : [e];
}

/** Does the outer query read the row number (SELECT *, or the column by name)? Then Top-N outputs it. */
function referencesColumn(s: Select, name: string, rest: readonly Expr[]): boolean {
  if (s.items.some((i) => i.kind === 'star')) return true;
  let found = false;
  const check = (e: Expr): void =>
    visitExpr(e, (x) => {
      if (x.kind === 'column' && x.path.some((p) => p.toLowerCase() === name.toLowerCase())) found = true;
    });
  for (const i of s.items) if (i.kind === 'expr') check(i.expr);
  s.groupBy.forEach(check);
  if (s.having) check(s.having);
  rest.forEach(check);
  return found;
}

/** Fails on a ROW_NUMBER() that no outer WHERE turned into a Top-N. */
export function assertNoPendingRank(root: PlanNode): void {
  const visit = (n: PlanNode): void => {
    const p = pending.get(n);
    if (p) {
      throw new SqlError(
        `ROW_NUMBER() is only supported for Top-N and deduplication: select it in a sub-query and filter it in the outer WHERE (${p.rnName} = 1 or ${p.rnName} <= N)`,
        p.pos,
      );
    }
    switch (n.kind) {
      case 'scan':
        return;
      case 'union':
        n.inputs.forEach(visit);
        return;
      case 'join':
      case 'intervalJoin':
        visit(n.left);
        visit(n.right);
        return;
      default:
        visit(n.input);
    }
  };
  visit(root);
}

// ---- aggregates OVER a time-ordered window -------------------------------------------------------------

function planOverAggregates(host: PlanHost, s: Select, input: Planned, calls: Call[]): Planned {
  const binder = host.binder;
  if (s.distinct) throw new SqlError('SELECT DISTINCT cannot be combined with OVER aggregates', s.pos);
  let windowCanon: string | undefined;
  let partitionKeys: BExpr[] = [];
  let timeIndex = -1;
  let frame: Extract<PlanNode, { kind: 'over' }>['frame'] = { unit: 'RANGE', preceding: 'UNBOUNDED' };
  const aggs: AggCall[] = [];
  const aggCanon: string[] = [];
  const slotOf = new Map<Call, number>();
  for (const c of calls) {
    const over = c.over!;
    const keys = over.partitionBy.map((e) => binder.bind(e, input.scope));
    if (over.orderBy.length !== 1) {
      throw new SqlError('an OVER window must be ordered by exactly one time attribute (ORDER BY rowtime)', c.pos);
    }
    const ob = over.orderBy[0]!;
    const t = binder.bind(ob.expr, input.scope);
    if (!(t.k === 'col' && isRowtime(t.type) && t.index === input.node.rowtimeIndex)) {
      throw new SqlError(`OVER windows must be ordered by the event-time attribute, found ${typeToString(t.type)}`, ob.expr.pos);
    }
    if (ob.desc) throw new SqlError('OVER windows must be ordered by the time attribute ascending', ob.expr.pos);
    const f = overFrame(binder, c);
    const wc = JSON.stringify({ k: keys.map(canon), t: t.index, f });
    if (windowCanon !== undefined && wc !== windowCanon) {
      throw new SqlError('all OVER aggregates in one SELECT must use the same window (PARTITION BY, ORDER BY and frame)', c.pos);
    }
    windowCanon = wc;
    partitionKeys = keys;
    timeIndex = t.index;
    frame = f;
    const args = c.star ? [] : c.args.map((a) => binder.bind(a, input.scope));
    const filter = c.filter ? binder.bind(c.filter, input.scope) : null;
    const call = binder.makeAggCall(c, args, filter);
    const key = JSON.stringify({ n: call.name, d: call.distinct, a: call.args.map(canon), f: call.filter ? canon(call.filter) : null, p: call.param ?? null });
    let i = aggCanon.indexOf(key);
    if (i < 0) {
      i = aggs.length;
      aggs.push(call);
      aggCanon.push(key);
    }
    slotOf.set(c, i);
  }
  if (input.node.updating) throw new SqlError('OVER aggregates need an append-only input; this input is updating', calls[0]!.pos);
  const noRetract = frame.preceding !== 'UNBOUNDED' ? aggs.find((a) => a.udaf && !a.udaf.retract) : undefined;
  if (noRetract) throw new SqlError(`aggregate ${noRetract.name} defines no retract, so it can only run OVER an UNBOUNDED PRECEDING window`, calls[0]!.pos);
  const aggFields: Field[] = aggs.map((a, i) => ({ name: `$over${i}`, type: a.type }));
  const node: PlanNode = {
    kind: 'over',
    input: input.node,
    partitionKeys,
    timeIndex,
    frame,
    aggs,
    fields: [...input.node.fields, ...aggFields],
    updating: false,
    rowtimeIndex: input.node.rowtimeIndex,
  };
  const scope = input.scope.concat(new Scope(aggFields.map((f) => ({ qualifier: undefined, name: f.name, type: f.type }))));
  const exprs: BExpr[] = [];
  const fields: Field[] = [];
  for (const item of s.items) {
    if (item.kind === 'star') {
      expandStar(input.scope, item.table, item.pos, exprs, fields);
      continue;
    }
    const rewritten = replaceOver(item.expr, (c) => ({ kind: 'column', pos: c.pos, path: [`$over${slotOf.get(c)!}`] }));
    const b = binder.bind(rewritten, scope);
    exprs.push(b);
    fields.push({ name: item.alias ?? defaultName(item.expr, fields.length), type: b.type });
  }
  return host.project(node, exprs, fields);
}

function overFrame(binder: Binder, c: Call): Extract<PlanNode, { kind: 'over' }>['frame'] {
  const fr = c.over!.frame;
  if (!fr) return { unit: 'RANGE', preceding: 'UNBOUNDED' };
  if (fr.preceding === 'UNBOUNDED') return { unit: fr.unit, preceding: 'UNBOUNDED' };
  if (fr.preceding === 'CURRENT') return { unit: fr.unit, preceding: 0 };
  const e = fr.preceding;
  if (fr.unit === 'ROWS') {
    if (!(e.kind === 'literal' && typeof e.value === 'number' && Number.isInteger(e.value) && e.value >= 0)) {
      throw new SqlError('ROWS BETWEEN needs a non-negative integer literal before PRECEDING (e.g. ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)', e.pos);
    }
    return { unit: 'ROWS', preceding: e.value };
  }
  if (e.kind !== 'interval') {
    throw new SqlError("RANGE BETWEEN on a time attribute needs an INTERVAL before PRECEDING (e.g. RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)", e.pos);
  }
  return { unit: 'RANGE', preceding: binder.constantInterval(e, 'the RANGE size') };
}

// ---- helpers ------------------------------------------------------------------------------------------

function replaceOver(e: Expr, f: (c: Call) => Expr): Expr {
  if (e.kind === 'call' && e.over) return f(e);
  const r = (x: Expr): Expr => replaceOver(x, f);
  switch (e.kind) {
    case 'call':
      return { ...e, args: e.args.map(r), ...(e.filter ? { filter: r(e.filter) } : {}) };
    case 'binary':
      return { ...e, left: r(e.left), right: r(e.right) };
    case 'unary':
    case 'cast':
    case 'field':
    case 'is':
      return { ...e, arg: r(e.arg) } as Expr;
    case 'case':
      return {
        ...e,
        ...(e.operand ? { operand: r(e.operand) } : {}),
        ...(e.else ? { else: r(e.else) } : {}),
        whens: e.whens.map((w) => ({ when: r(w.when), then: r(w.then) })),
      };
    case 'between':
      return { ...e, arg: r(e.arg), low: r(e.low), high: r(e.high) };
    case 'in':
      return { ...e, arg: r(e.arg), list: e.list.map(r) };
    case 'like':
      return { ...e, arg: r(e.arg), pattern: r(e.pattern) };
    case 'isDistinct':
      return { ...e, left: r(e.left), right: r(e.right) };
    case 'subscript':
      return { ...e, arg: r(e.arg), index: r(e.index) };
    case 'array':
    case 'map':
    case 'row':
      return { ...e, items: e.items.map(r) } as Expr;
    default:
      return e;
  }
}
