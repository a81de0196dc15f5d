import { SqlError, type SourcePosition } from '../core/errors.js';
import { T, typeToString, type Field } from '../core/types.js';
import type { Expr, OverSpec, Select } from './ast.js';
import { Scope, canon, type Binder } from './binder.js';
import { planInputs } from '../plan/children.js';
import { bindSelectList } from './plan-fields.js';
import type { PlanHost, Planned } from './plan-host.js';
import { mapChildren, visitExpr } from './ast-walk.js';
import type { AggCall, BExpr, PlanNode } from '../plan/nodes.js';
import { isRowtime, plainType } from './types.js';

/**
 * Planning of OVER windows in a SELECT list:
 * - aggregates `SUM(x) OVER (PARTITION BY k ORDER BY rowtime ROWS|RANGE BETWEEN ... AND CURRENT ROW)` become
 *   an `over` node (input columns, then one column per aggregate);
 * - `ROW_NUMBER() OVER (PARTITION BY k ORDER BY ...) AS rn` (or RANK(), DENSE_RANK()) is only meaningful as
 *   Top-N or deduplication: it plans to a pending `rank` node that the outer query must filter with an upper
 *   bound on `rn` (`rn <= N`, `rn < N`, `rn = N`, `rn BETWEEN M AND N`, optionally `rn > M`), possibly through
 *   `SELECT * FROM (...)` layers that only pass columns (`consumeRank`); a pending rank left in the final plan
 *   is an error at the ranking call.
 * - `OVER w` names a window of the SELECT's `WINDOW w AS (...)` clause.
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
  /** `ROW_NUMBER()`, `RANK()` or `DENSE_RANK()`, for messages. */
  readonly fn: string;
  readonly pos: SourcePosition;
}

const pending = new WeakMap<PlanNode, PendingRank>();

const RANKING = new Set(['ROW_NUMBER', 'RANK', 'DENSE_RANK', 'PERCENT_RANK', 'CUME_DIST', 'NTILE']);
/** The ranking functions that plan to a Top-N (`rank` node). */
const TOP_N = new Set(['ROW_NUMBER', 'RANK', 'DENSE_RANK']);

export function containsOver(e: Expr): boolean {
  let found = false;
  visitExpr(e, (x) => {
    if (x.kind === 'call' && x.over) found = true;
  });
  return found;
}

/** The window of an OVER call: its own, or the SELECT's `WINDOW name AS (...)` it names. */
function resolveOver(s: Select, c: Call): OverSpec {
  const over = c.over!;
  if (!over.ref) return over;
  const name = over.ref.name;
  const w = s.windows?.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!w) {
    const known = s.windows?.map((x) => x.name).join(', ');
    throw new SqlError(`window '${name}' is not defined; ${known ? `this SELECT's WINDOW clause defines ${known}` : `define it after the WHERE / GROUP BY: WINDOW ${name} AS (PARTITION BY ... ORDER BY ...)`}`, over.ref.pos);
  }
  return w.spec;
}

export function planOverSelect(host: PlanHost, s: Select, input: Planned, isAggregate: (name: string) => boolean): Planned {
  const calls: Call[] = [];
  for (const item of s.items) if (item.kind === 'expr') visitExpr(item.expr, (x) => x.kind === 'call' && x.over && calls.push(x));
  const overs = new Map(calls.map((c) => [c, resolveOver(s, c)] as const));
  const rankCalls = calls.filter((c) => TOP_N.has(c.name));
  for (const c of calls) {
    if (c.name === 'LEAD') throw new SqlError('LEAD() OVER is not supported on streams (as in Flink): it would need rows that have not arrived yet', c.pos);
    if (c.name === 'LAG') continue;
    if (!TOP_N.has(c.name) && RANKING.has(c.name)) {
      throw new SqlError(`${c.name}() OVER is not supported; use ROW_NUMBER(), RANK() or DENSE_RANK() for Top-N or an aggregate such as SUM(...) OVER`, c.pos);
    }
    if (!TOP_N.has(c.name) && !isAggregate(c.name)) {
      throw new SqlError(`${c.name} is not an aggregate function; only aggregates and ROW_NUMBER() can be used with OVER`, c.pos);
    }
  }
  if (rankCalls.length) return planRowNumber(host, s, input, calls, rankCalls, overs);
  return planOverAggregates(host, s, input, calls, overs);
}

// ---- ROW_NUMBER, RANK, DENSE_RANK: Top-N and deduplication --------------------------------------------

function planRowNumber(host: PlanHost, s: Select, input: Planned, calls: Call[], rankCalls: Call[], overs: ReadonlyMap<Call, OverSpec>): Planned {
  const rnCall = rankCalls[0]!;
  const fn = `${rnCall.name}()`;
  if (rankCalls.length > 1) {
    throw new SqlError(rankCalls[1]!.name === 'ROW_NUMBER' && rnCall.name === 'ROW_NUMBER' ? 'only one ROW_NUMBER() is allowed in a SELECT' : 'only one ranking function (ROW_NUMBER, RANK, DENSE_RANK) is allowed in a SELECT', rankCalls[1]!.pos);
  }
  const other = calls.find((c) => c !== rnCall);
  if (other) throw new SqlError(`${fn} cannot be combined with other OVER aggregates in one SELECT`, other.pos);
  const rnItem = s.items.findIndex((i) => i.kind === 'expr' && i.expr === rnCall);
  if (rnItem < 0) {
    throw new SqlError(`${fn} OVER (...) must be a whole SELECT item (e.g. ${fn} OVER (PARTITION BY k ORDER BY rowtime) AS rn)`, rnCall.pos);
  }
  if (rnCall.args.length) throw new SqlError(`${fn} takes no arguments`, rnCall.pos);
  if (s.distinct) throw new SqlError(`SELECT DISTINCT cannot be combined with ${fn}`, s.pos);
  const over = overs.get(rnCall)!;
  if (over.frame) throw new SqlError(`${fn} does not take a window frame (ROWS/RANGE)`, rnCall.pos);
  if (over.orderBy.length === 0) throw new SqlError(`${fn} needs ORDER BY in its OVER clause`, rnCall.pos);
  const binder = host.binder;
  const partitionKeys = over.partitionBy.map((e) => binder.bind(e, input.scope));
  const orderBy = over.orderBy.map((o) => ({ expr: binder.bind(o.expr, input.scope), desc: o.desc }));
  const width = input.node.fields.length;
  const rankType = rnCall.name === 'RANK' || rnCall.name === 'DENSE_RANK' ? rnCall.name : undefined;
  const rank: RankNode = {
    kind: 'rank',
    input: input.node,
    partitionKeys,
    orderBy,
    limit: Infinity,
    ...(rankType ? { rankType } : {}),
    withRowNumber: true,
    dedup: null,
    fields: [...input.node.fields.map((f) => ({ name: f.name, type: plainType(f.type) })), { name: '$rn', type: T.BIGINT }],
    updating: true,
    rowtimeIndex: undefined,
  };
  const rnScope = input.scope.concat(new Scope([{ qualifier: undefined, name: '$rn', type: T.BIGINT }]));
  const { exprs, fields } = bindSelectList(input.scope, s.items, (item, i) => (i === rnItem ? { k: 'col', index: width, type: T.BIGINT } : binder.bind(item.expr, rnScope)))!;
  const rnOut = exprs.findIndex((e) => e.k === 'col' && e.index === width);
  const rnName = fields[rnOut]!.name;
  const planned = host.project(rank, exprs, fields);
  pending.set(planned.node, { rank, exprs, fields, rnOut, rnName, fn, pos: rnCall.pos });
  return planned;
}

/**
 * A SELECT over a pending ranking that only passes columns through (`SELECT * FROM (...)`, or a subset of
 * the columns) without filtering: the ranking stays pending, its filter may come one level further out.
 */
function passPending(host: PlanHost, s: Select, input: Planned, p: PendingRank): Planned | undefined {
  if (s.where || s.distinct || s.groupBy.length || s.having || s.windows) return undefined;
  const list = bindSelectList(input.scope, s.items, (item) => {
    const b = item.expr.kind === 'column' ? tryBind(host.binder, item.expr, input.scope) : undefined;
    return b?.k === 'col' ? b : undefined;
  });
  if (!list) return undefined;
  const { exprs, fields } = list;
  // Compose with the pending projection: the new columns over (rank input columns..., rn).
  const composed = exprs.map((e) => (e.k === 'col' ? p.exprs[e.index]! : e));
  const width = p.rank.input.fields.length;
  const rnOut = composed.findIndex((e) => e.k === 'col' && e.index === width);
  const rnName = rnOut >= 0 ? fields[rnOut]!.name : p.rnName;
  const planned = host.project(p.rank, composed, fields);
  pending.set(planned.node, { ...p, exprs: composed, fields: planned.node.fields, rnOut, rnName });
  return planned;
}

/**
 * If the FROM of `s` is a pending ranking, turns it into a Top-N / deduplication using the rank bounds in
 * `s.where` and returns the new input and the rest of the WHERE; or, for a plain `SELECT * FROM (...)` layer,
 * keeps the ranking pending one level further out (`planned`).
 */
export function consumeRank(host: PlanHost, s: Select, input: Planned): { input: Planned; where: Expr | undefined; planned?: Planned } | undefined {
  const p = pending.get(input.node);
  if (!p) return undefined;
  const rest: Expr[] = [];
  let limit: number | undefined;
  let start = 1;
  let variable: { column: number; pos: SourcePosition } | undefined;
  let bounds = 0;
  for (const c of s.where ? splitAndExpr(s.where) : []) {
    const bound = p.rnOut < 0 ? undefined : rnBound(host.binder, c, input.scope, p.rnOut, p.rnName);
    if (bound === undefined) {
      rest.push(c);
      continue;
    }
    if (bound.kind === 'bad') throw new SqlError(bound.message, c.pos);
    bounds++;
    if (bound.kind === 'column') {
      variable = { column: variableRankColumn(p, bound.index, input.scope.columns[bound.index]?.name ?? '?', c.pos), pos: c.pos };
      continue;
    }
    if (bound.upper !== undefined) limit = Math.min(limit ?? Infinity, bound.upper);
    if (bound.lower !== undefined) start = Math.max(start, bound.lower);
  }
  if (variable) {
    // Flink's RankUtil takes a rank end from a column only when it is the one rank predicate.
    if (bounds > 1) throw new SqlError(`a rank end taken from a column must be the only filter on '${p.rnName}' (no other bound beside it)`, variable.pos);
    if (p.rank.rankType) throw new SqlError(`a rank end taken from a column is supported for ROW_NUMBER() only, not ${p.rank.rankType}()`, variable.pos);
    limit = Infinity;
  }
  if (limit === undefined) {
    const passed = passPending(host, s, input, p);
    if (passed) return { input, where: undefined, planned: passed };
    if (start > 1) {
      // Flink: "Rank end is not specified. Currently rank only support TopN, which means the rank end must be specified."
      throw new SqlError(`a Top-N needs an upper bound on '${p.rnName}' (${p.rnName} <= N or ${p.rnName} BETWEEN M AND N); a lower bound alone keeps unboundedly many rows`, s.where!.pos);
    }
    throw new SqlError(
      `${p.fn} needs a filter on '${p.rnName}' in the outer WHERE (${p.rnName} = 1 for deduplication, ${p.rnName} <= N for Top-N)`,
      p.pos,
    );
  }
  if (!variable && limit < 1) throw new SqlError(`the row-number filter keeps no rows (${p.rnName} < 1)`, s.where!.pos);
  if (start > limit) throw new SqlError(`the rank filter keeps no rows (${p.rnName} from ${start} to ${limit})`, s.where!.pos);
  const rankInput = p.rank.input;
  const withRowNumber = referencesColumn(s, p.rnName, rest);
  let dedup: RankNode['dedup'] = null;
  const o = p.rank.orderBy;
  if (
    !variable && limit === 1 && !p.rank.rankType && o.length === 1 && o[0]!.expr.k === 'col' && isRowtime(o[0]!.expr.type) && o[0]!.expr.index === rankInput.rowtimeIndex && !rankInput.updating
  ) {
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
  // A ROW_NUMBER rank holds one row, so (partition, rn) is a key; RANK and DENSE_RANK ranks hold ties.
  let uniqueKey: number[] | undefined;
  if (keyCols) uniqueKey = dedup ? keyCols : withRowNumber && !p.rank.rankType ? [...keyCols, width] : undefined;
  const rank: RankNode = {
    kind: 'rank',
    input: rankInput,
    partitionKeys: p.rank.partitionKeys,
    orderBy: p.rank.orderBy,
    limit,
    ...(variable ? { limitColumn: variable.column } : {}),
    ...(start > 1 ? { start } : {}),
    ...(p.rank.rankType ? { rankType: p.rank.rankType } : {}),
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

type Bound = { kind: 'range'; lower?: number; upper?: number } | { kind: 'column'; index: number } | { kind: 'bad'; message: string };

/**
 * The rank input column behind scope column `index` of a `rn <= col` filter. Flink reads a variable rank
 * end as a BIGINT, INT or SMALLINT input field (AbstractTopNFunction's rankEndFetcher); other types fail.
 */
function variableRankColumn(p: PendingRank, index: number, name: string, pos: SourcePosition): number {
  const e = p.exprs[index];
  const width = p.rank.input.fields.length;
  if (!e || e.k !== 'col' || e.index >= width) throw new SqlError(`the rank end '${name}' must be a column of the ranked input`, pos);
  const t = e.type.kind;
  if (t !== 'BIGINT' && t !== 'INT') {
    throw new SqlError(`a rank end taken from a column must be an integer (BIGINT, INT, SMALLINT, TINYINT); '${name}' is ${typeToString(e.type)}`, pos);
  }
  return e.index;
}

/**
 * A conjunct bounding the rank, as Flink's RankUtil reads it: `rn <= N`, `rn < N`, `rn = N` (the N-th row),
 * `rn >= M`, `rn > M`, either way round, and `rn BETWEEN M AND N`; bounds are integer literals.
 */
function rnBound(binder: Binder, c: Expr, scope: Scope, rnOut: number, rn: string): Bound | undefined {
  const supported = `supported rank filters are ${rn} <= N, ${rn} < N, ${rn} = N, ${rn} > M / ${rn} >= M with an upper bound, and ${rn} BETWEEN M AND N, with integer literals, or ${rn} <= column (a rank end per partition)`;
  if (c.kind === 'between' && !c.negated) {
    const arg = tryBind(binder, c.arg, scope);
    if (!(arg && arg.k === 'col' && arg.index === rnOut)) return undefined;
    const lo = intLiteral(c.low);
    const hi = intLiteral(c.high);
    if (lo === undefined || hi === undefined) return { kind: 'bad', message: supported };
    return { kind: 'range', lower: lo, upper: hi };
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
  const other = lRn ? r : l;
  // A variable rank end (Flink's VariableRankRange): as Flink's RankUtil, `rn <= col`, `rn < col` and
  // `rn = col` all read as "up to col" (it keeps no strictness for a column bound); a column lower bound is none.
  if (n === undefined && other?.k === 'col' && other.index !== rnOut && (op === '<=' || op === '<' || op === '=')) return { kind: 'column', index: other.index };
  if (n === undefined) return { kind: 'bad', message: supported };
  switch (op) {
    case '=':
      return { kind: 'range', lower: n, upper: n };
    case '<=':
      return { kind: 'range', upper: n };
    case '<':
      return { kind: 'range', upper: n - 1 };
    case '>=':
      return { kind: 'range', lower: n };
    default:
      return { kind: 'range', lower: n + 1 };
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

/** Fails on a ranking function that no outer WHERE turned into a Top-N. */
export function assertNoPendingRank(root: PlanNode): void {
  const visit = (n: PlanNode): void => {
    const p = pending.get(n);
    if (p) {
      throw new SqlError(
        `${p.fn} is only supported for Top-N and deduplication: select it in a sub-query and filter it in the outer WHERE (${p.rnName} = 1 or ${p.rnName} <= N)`,
        p.pos,
      );
    }
    planInputs(n).forEach(visit);
  };
  visit(root);
}

// ---- aggregates OVER a time-ordered window -------------------------------------------------------------

function planOverAggregates(host: PlanHost, s: Select, input: Planned, calls: Call[], overs: ReadonlyMap<Call, OverSpec>): Planned {
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
    const over = overs.get(c)!;
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
    const f = overFrame(binder, over);
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
  const lag = frame.preceding !== 'UNBOUNDED' ? calls.find((c) => c.name === 'LAG') : undefined;
  // As Flink ("LAG Function with retraction is not supported"): a bounded frame retracts rows leaving it.
  if (lag) throw new SqlError('LAG() OVER needs an unbounded frame (the default, or ... UNBOUNDED PRECEDING); a bounded frame is not supported', lag.pos);
  const noRetract = frame.preceding !== 'UNBOUNDED' ? aggs.find((a) => !a.aggregate.retract) : undefined;
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
  const { exprs, fields } = bindSelectList(input.scope, s.items, (item) =>
    binder.bind(replaceOver(item.expr, (c) => ({ kind: 'column', pos: c.pos, path: [`$over${slotOf.get(c)!}`] })), scope),
  )!;
  return host.project(node, exprs, fields);
}

function overFrame(binder: Binder, over: OverSpec): Extract<PlanNode, { kind: 'over' }>['frame'] {
  const fr = over.frame;
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
  return mapChildren(e, (x) => replaceOver(x, f));
}
