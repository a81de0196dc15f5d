import { SqlError, type SourcePosition } from '../core/errors.js';
import { T, typeToString, type Field, type SqlType } from '../core/types.js';
import type { Expr, MatchRecognize, Query } from './ast.js';
import { mapChildren } from './ast-walk.js';
import { canon, Scope } from './binder.js';
import type { PlanHost, Planned } from './plan-host.js';
import type { BExpr, MatchElement, MatchSlot, MatchSpec, PlanNode } from '../plan/nodes.js';
import { isProctime, isRowtime, plainType } from './types.js';
import { builtinAggregates } from './functions/aggregates.js';

/**
 * MATCH_RECOGNIZE, planned as Flink plans it (its documented subset). DEFINE and MEASURES expressions are
 * rewritten so that every pattern navigation (`A.price`, `LAST(A.price, 1)`, `FIRST(price)`, `SUM(A.price)`,
 * MATCH_ROWTIME()) becomes a column of a "slot row" the runtime fills from the rows of the (partial) match
 * before it evaluates the condition or measure; the rest binds as usual over those slot columns.
 */

type Call = Extract<Expr, { kind: 'call' }>;

/** Functions of the standard that Flink does not support, with its reason. */
const REFUSED: Record<string, string> = {
  PREV: 'Flink does not support physical offsets within partition. (PREV/NEXT; use LAST(var.col, n) or FIRST(var.col, n), which count rows mapped to the variable)',
  NEXT: 'Flink does not support physical offsets within partition. (PREV/NEXT; use LAST(var.col, n) or FIRST(var.col, n), which count rows mapped to the variable)',
  CLASSIFIER: 'CLASSIFIER() is not supported in MATCH_RECOGNIZE (as in Flink)',
  MATCH_NUMBER: 'MATCH_NUMBER() is not supported in MATCH_RECOGNIZE (as in Flink)',
  RUNNING: 'RUNNING semantics are not supported: MEASURES are FINAL in ONE ROW PER MATCH (as in Flink)',
  FINAL: 'FINAL is the only semantics of MEASURES in ONE ROW PER MATCH; write the expression without it',
};

/** Built-in aggregates whose merge folds plain values (no state shared with the merged accumulator). */
const INCREMENTAL = new Set(['SUM', 'SUM0', 'COUNT', 'AVG', 'MIN', 'MAX']);

class SlotBuilder {
  readonly slots: MatchSlot[] = [];
  readonly types: SqlType[] = [];
  private readonly keys: string[] = [];

  add(slot: MatchSlot, type: SqlType, pos: SourcePosition): Expr {
    const key = JSON.stringify(slot, (k, v) => (k === 'expr' ? canon(v as BExpr) : k === 'call' ? callKey(v as Extract<MatchSlot, { k: 'agg' }>['call']) : v));
    let i = this.keys.indexOf(key);
    if (i < 0) {
      i = this.slots.length;
      this.slots.push(slot);
      this.types.push(type);
      this.keys.push(key);
    }
    return { kind: 'column', pos, path: [slotName(i)] };
  }

  scope(): Scope {
    return new Scope(this.types.map((type, i) => ({ qualifier: undefined, name: slotName(i), type })));
  }
}

const slotName = (i: number): string => `$match${i}`;

function callKey(c: Extract<MatchSlot, { k: 'agg' }>['call']): string {
  return JSON.stringify({ n: c.name, a: c.args.map(canon), p: c.param ?? null });
}

interface Ctx {
  readonly host: PlanHost;
  readonly input: Planned;
  readonly variables: readonly string[];
  readonly slots: SlotBuilder;
  readonly where: 'DEFINE' | 'MEASURES';
  readonly rowtimeType: SqlType | undefined;
}

export function planMatch(host: PlanHost, f: MatchRecognize, ctes: Map<string, Query>): Planned {
  const binder = host.binder;
  const input = host.planFrom(f.input, ctes);
  if (input.node.updating) throw new SqlError('MATCH_RECOGNIZE needs an append-only input; this input is updating (as in Flink)', f.pos);
  const partitionKeys = f.partitionBy.map((e) => {
    const b = binder.bind(e, input.scope);
    if (b.k !== 'col') throw new SqlError('PARTITION BY of MATCH_RECOGNIZE takes column names', e.pos);
    return b;
  });
  const { timeIndex, proctime, orderBy } = orderKeys(host, f, input);
  const variables = patternVariables(f);
  const pattern = f.pattern.map((p): MatchElement => ({ variable: variables.indexOf(p.variable), min: p.min, max: p.max, greedy: p.looping && !p.reluctant }));
  checkPattern(f, pattern);
  const after = afterMatch(f, variables);
  const slots = new SlotBuilder();
  const rowtimeType = proctime ? undefined : input.node.fields[timeIndex]!.type;
  const ctx = (where: Ctx['where']): Ctx => ({ host, input, variables, slots, where, rowtimeType });
  const defineAsts: (Expr | null)[] = variables.map(() => null);
  for (const d of f.defines) {
    const v = findVariable(variables, d.variable);
    if (v < 0) throw new SqlError(`DEFINE ${d.variable}: ${d.variable} is not a variable of the PATTERN (${variables.join(' ')})`, d.pos);
    if (defineAsts[v]) throw new SqlError(`variable ${d.variable} is defined twice in DEFINE`, d.pos);
    defineAsts[v] = rewrite(d.expr, ctx('DEFINE'));
  }
  const measureAsts = f.measures.map((m) => rewrite(m.expr, ctx('MEASURES')));
  const scope = slots.scope();
  const defines = defineAsts.map((e) => {
    if (!e) return null;
    const b = binder.bind(e, scope);
    if (b.type.kind !== 'BOOLEAN' && b.type.kind !== 'NULL') throw new SqlError(`a DEFINE condition must be BOOLEAN, found ${typeToString(b.type)}`, e.pos);
    return b;
  });
  const measures = measureAsts.map((e) => binder.bind(e, scope));
  const keyFields = partitionKeys.map((k) => ({ name: input.node.fields[(k as { index: number }).index]!.name, type: plainType(k.type) }));
  let rowtimeIndex: number | undefined;
  const measureFields: Field[] = measures.map((m, i) => {
    const slot = m.k === 'col' ? slots.slots[m.index] : undefined;
    if (slot?.k === 'matchRowtime') {
      rowtimeIndex ??= keyFields.length + i;
      return { name: f.measures[i]!.alias, type: T.ROWTIME };
    }
    if (slot?.k === 'matchProctime') return { name: f.measures[i]!.alias, type: T.PROCTIME };
    return { name: f.measures[i]!.alias, type: plainType(m.type) };
  });
  const fields = [...keyFields, ...measureFields];
  const seen = new Set<string>();
  for (const [i, fl] of fields.entries()) {
    const lower = fl.name.toLowerCase();
    if (seen.has(lower)) throw new SqlError(`Columns ambiguously defined: {${fl.name}} (a measure named like a PARTITION BY column or another measure)`, i >= keyFields.length ? f.measures[i - keyFields.length]!.pos : f.pos);
    seen.add(lower);
  }
  const spec: MatchSpec = { partitionKeys, timeIndex, proctime, orderBy, variables, pattern, within: f.within?.ms ?? null, after, slots: slots.slots, defines, measures };
  const node: PlanNode = { kind: 'match', input: input.node, ...spec, fields, updating: false, rowtimeIndex };
  return { node, scope: Scope.of(fields, f.alias) };
}

function orderKeys(host: PlanHost, f: MatchRecognize, input: Planned): Pick<MatchSpec, 'timeIndex' | 'proctime' | 'orderBy'> {
  const first = f.orderBy[0];
  if (!first) throw new SqlError('You must specify either rowtime or proctime for order by. (MATCH_RECOGNIZE needs ORDER BY a time attribute)', f.orderPos);
  const t = host.binder.bind(first.expr, input.scope);
  if (!(t.k === 'col' && (isRowtime(t.type) || isProctime(t.type)))) {
    throw new SqlError(`You must specify either rowtime or proctime for order by as the first one. (found ${typeToString(t.type)})`, first.expr.pos);
  }
  if (first.desc) throw new SqlError('Primary sort order of a streaming table must be ascending on time.', first.expr.pos);
  const orderBy = f.orderBy.slice(1).map((o) => ({ expr: host.binder.bind(o.expr, input.scope), desc: o.desc }));
  return { timeIndex: t.index, proctime: isProctime(t.type), orderBy };
}

function findVariable(variables: readonly string[], name: string): number {
  const exact = variables.indexOf(name);
  return exact >= 0 ? exact : variables.findIndex((v) => v.toLowerCase() === name.toLowerCase());
}

function patternVariables(f: MatchRecognize): string[] {
  const out: string[] = [];
  for (const p of f.pattern) {
    if (out.includes(p.variable)) throw new SqlError('Pattern variables must be unique. That might change in the future.', p.pos);
    out.push(p.variable);
  }
  return out;
}

function checkPattern(f: MatchRecognize, pattern: readonly MatchElement[]): void {
  if (pattern.every((p) => p.min === 0)) {
    throw new SqlError('Patterns that can produce empty matches are not supported. There must be at least one non-optional state.', f.patternPos);
  }
  const last = pattern[pattern.length - 1]!;
  if (last.greedy) {
    throw new SqlError(
      'Greedy quantifiers are not allowed as the last element of a Pattern yet. Finish your pattern with either a simple variable or reluctant quantifier.',
      f.pattern[f.pattern.length - 1]!.pos,
    );
  }
}

function afterMatch(f: MatchRecognize, variables: readonly string[]): MatchSpec['after'] {
  const a = f.after;
  if (!('variable' in a)) return { mode: a.mode };
  const v = findVariable(variables, a.variable);
  if (v < 0) throw new SqlError(`AFTER MATCH SKIP ${a.mode === 'TO_FIRST' ? 'TO FIRST' : 'TO LAST'} ${a.variable}: not a variable of the PATTERN (${variables.join(' ')})`, a.pos);
  return { mode: a.mode, variable: v, pos: a.pos };
}

// ---- DEFINE / MEASURES expressions ----------------------------------------------------------------------

/** Replaces pattern navigation with slot columns; everything else is kept for the binder. */
function rewrite(e: Expr, ctx: Ctx): Expr {
  if (e.kind === 'column') return navSlot(e, false, 0, e.pos, ctx);
  if (e.kind === 'call' && !e.over) {
    const name = e.name.toUpperCase();
    const refused = REFUSED[name];
    if (refused) throw new SqlError(refused, e.pos);
    if (name === 'FIRST' || name === 'LAST') return firstLast(e, name === 'FIRST', ctx);
    if (name === 'MATCH_ROWTIME' || name === 'MATCH_PROCTIME') return timeSlot(e, name, ctx);
    if (ctx.host.binder.isAggregate(e.name)) return aggregateSlot(e, ctx);
  }
  if (e.kind === 'subquery' || e.kind === 'inQuery' || e.kind === 'exists') throw new SqlError('sub-queries are not supported in MATCH_RECOGNIZE', e.pos);
  return mapChildren(e, (x) => rewrite(x, ctx));
}

/** The pattern variables an expression's columns are qualified with, and the expression without them. */
function stripVariables(e: Expr, ctx: Ctx): { expr: Expr; vars: Set<number> } {
  const vars = new Set<number>();
  const strip = (x: Expr): Expr => {
    if (x.kind === 'column' && x.path.length >= 2) {
      const v = findVariable(ctx.variables, x.path[0]!);
      if (v >= 0) {
        vars.add(v);
        return { ...x, path: x.path.slice(1) };
      }
    }
    if (x.kind === 'call' && !x.over && (ctx.host.binder.isAggregate(x.name) || ['FIRST', 'LAST', 'MATCH_ROWTIME', 'MATCH_PROCTIME'].includes(x.name.toUpperCase()))) {
      throw new SqlError(`${x.name}(...) cannot be nested in another pattern navigation or aggregate`, x.pos);
    }
    const refused = x.kind === 'call' ? REFUSED[x.name.toUpperCase()] : undefined;
    if (refused) throw new SqlError(refused, x.pos);
    return mapChildren(x, strip);
  };
  return { expr: strip(e), vars };
}

function navSlot(e: Expr, first: boolean, offset: number, pos: SourcePosition, ctx: Ctx): Expr {
  const { expr, vars } = stripVariables(e, ctx);
  if (vars.size > 1) {
    throw new SqlError(
      `${first ? 'FIRST' : 'LAST'}(...) must reference one pattern variable: all its columns must use the same variable (LAST(A.price * A.tax), not LAST(A.price * B.tax))`,
      pos,
    );
  }
  const b = ctx.host.binder.bind(expr, ctx.input.scope);
  const variable = vars.size ? [...vars][0]! : null;
  return ctx.slots.add({ k: 'nav', variable, first, offset, expr: b }, plainType(b.type), pos);
}

function firstLast(e: Call, first: boolean, ctx: Ctx): Expr {
  if (e.args.length < 1 || e.args.length > 2) throw new SqlError(`${first ? 'FIRST' : 'LAST'} takes a column expression and an optional offset`, e.pos);
  let offset = 0;
  const o = e.args[1];
  if (o) {
    if (!(o.kind === 'literal' && typeof o.value === 'number' && Number.isInteger(o.value) && o.value >= 0)) {
      throw new SqlError(`the offset of ${first ? 'FIRST' : 'LAST'} must be a non-negative whole number literal`, o.pos);
    }
    offset = o.value;
  }
  return navSlot(e.args[0]!, first, offset, e.pos, ctx);
}

function aggregateSlot(e: Call, ctx: Ctx): Expr {
  if (e.distinct) throw new SqlError('DISTINCT aggregations are not supported in MATCH_RECOGNIZE (as in Flink)', e.pos);
  if (e.filter) throw new SqlError('FILTER on an aggregate is not supported in MATCH_RECOGNIZE', e.pos);
  const vars = new Set<number>();
  const args = e.star
    ? []
    : e.args.map((a) => {
        const s = stripVariables(a, ctx);
        for (const v of s.vars) vars.add(v);
        return ctx.host.binder.bind(s.expr, ctx.input.scope);
      });
  if (vars.size > 1) {
    throw new SqlError('an aggregate in MATCH_RECOGNIZE may reference one pattern variable only: SUM(A.price * A.tax) is valid, AVG(A.price * B.tax) is not (as in Flink)', e.pos);
  }
  const call = ctx.host.binder.makeAggCall(e, args, null);
  const incremental = INCREMENTAL.has(call.aggregate.name) && builtinAggregates.includes(call.aggregate as (typeof builtinAggregates)[number]);
  return ctx.slots.add({ k: 'agg', variable: vars.size ? [...vars][0]! : null, call, ...(incremental ? { incremental } : {}) }, call.type, e.pos);
}

function timeSlot(e: Call, name: 'MATCH_ROWTIME' | 'MATCH_PROCTIME', ctx: Ctx): Expr {
  if (ctx.where === 'DEFINE') throw new SqlError(`${name}() may be used in MEASURES only`, e.pos);
  if (name === 'MATCH_PROCTIME') {
    if (e.args.length) throw new SqlError("Invalid number of arguments to function 'MATCH_PROCTIME'. (it takes none)", e.pos);
    return ctx.slots.add({ k: 'matchProctime' }, T.PROCTIME, e.pos);
  }
  if (e.args.length > 1) throw new SqlError("Invalid number of arguments to function 'MATCH_ROWTIME'. (it takes none or the rowtime column)", e.pos);
  const arg = e.args[0];
  if (arg) {
    if (arg.kind !== 'column') throw new SqlError(`The function MATCH_ROWTIME requires a field reference as argument, but actual argument is '${describe(arg)}'.`, arg.pos);
    const b = ctx.host.binder.bind(arg, ctx.input.scope);
    if (!isRowtime(b.type)) throw new SqlError(`The function MATCH_ROWTIME requires argument to be a row time attribute type, but is '${typeToString(b.type)}'.`, arg.pos);
  }
  if (!ctx.rowtimeType) throw new SqlError('MATCH_ROWTIME() needs MATCH_RECOGNIZE ordered by an event-time attribute; this one is ordered by processing time', e.pos);
  return ctx.slots.add({ k: 'matchRowtime' }, T.ROWTIME, e.pos);
}

function describe(e: Expr): string {
  if (e.kind === 'binary') return e.op === '+' ? 'PLUS' : e.op === '-' ? 'MINUS' : e.op;
  if (e.kind === 'call') return e.name;
  return e.kind;
}
