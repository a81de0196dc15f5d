import { SqlError, DirkError, type SourcePosition } from '../core/errors.js';
import { T, typeToString, type Field, type SqlType } from '../core/types.js';
import { decimalFromNumber, MAX_DECIMAL_PRECISION, parseDecimal, rescale } from '../core/decimal.js';
import type { AggregateFunctionDef } from '../udf/api.js';
import type { FunctionCatalog } from '../udf/registry.js';
import type { Expr } from './ast.js';
import type { AggCall, BExpr, OpName } from '../plan/nodes.js';
import { commonType, comparable, isNumeric, isRowtime, isStringy, isTime, plainType, typeFromSpec, widenNumeric } from './types.js';

/** Binds parsed expressions against a scope of columns: names become positions, every node gets a type. */

export interface ScopeColumn {
  readonly qualifier: string | undefined;
  readonly name: string;
  readonly type: SqlType;
}

export class Scope {
  constructor(readonly columns: readonly ScopeColumn[]) {}

  static of(fields: readonly Field[], qualifier: string | undefined): Scope {
    return new Scope(fields.map((f) => ({ qualifier, name: f.name, type: f.type })));
  }

  concat(other: Scope): Scope {
    return new Scope([...this.columns, ...other.columns]);
  }

  /** Resolves `a`, `t.a`, `a.b.c`, `t.a.b`: the column position plus the nested field path after it. */
  resolve(path: readonly string[], pos: SourcePosition): { index: number; rest: string[] } {
    const [first, second] = path;
    if (path.length >= 2) {
      const q = this.find((c) => c.qualifier === first && c.name === second) ?? this.find((c) => eqi(c.qualifier, first) && eqi(c.name, second));
      if (q !== undefined) return { index: q, rest: path.slice(2) };
    }
    const exact = this.findAll((c) => c.name === first);
    const matches = exact.length ? exact : this.findAll((c) => eqi(c.name, first));
    if (matches.length === 1) return { index: matches[0]!, rest: path.slice(1) };
    if (matches.length > 1) {
      const quals = matches.map((i) => this.columns[i]!.qualifier).filter(Boolean);
      throw new SqlError(`column '${first}' is ambiguous; qualify it (${quals.map((q) => `${q}.${first}`).join(', ')})`, pos);
    }
    const isQualifier = path.length >= 2 && this.columns.some((c) => eqi(c.qualifier, first));
    const what = isQualifier ? `column '${second}' not found in '${first}'` : `column '${path.join('.')}' not found`;
    const names = [...new Set(this.columns.map((c) => c.name))];
    const hint = names.length <= 30 ? `; available: ${names.join(', ')}` : '';
    throw new SqlError(`${what}${hint}`, pos);
  }

  private find(p: (c: ScopeColumn) => boolean): number | undefined {
    const i = this.columns.findIndex(p);
    return i < 0 ? undefined : i;
  }
  private findAll(p: (c: ScopeColumn) => boolean): number[] {
    const out: number[] = [];
    this.columns.forEach((c, i) => p(c) && out.push(i));
    return out;
  }
}

function eqi(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

export const WINDOW_GROUP_FNS = new Set(['TUMBLE', 'HOP', 'SESSION']);
export const WINDOW_AUX_FNS = new Set([
  'TUMBLE_START', 'TUMBLE_END', 'TUMBLE_ROWTIME', 'TUMBLE_PROCTIME',
  'HOP_START', 'HOP_END', 'HOP_ROWTIME', 'HOP_PROCTIME',
  'SESSION_START', 'SESSION_END', 'SESSION_ROWTIME', 'SESSION_PROCTIME',
]);

/** Hooks for binding inside an aggregation: aggregate calls, window helpers and group keys become outputs. */
export interface AggregationContext {
  readonly keyIndex: Map<string, number>;
  readonly aggs: AggCall[];
  readonly aggCanon: string[];
  readonly aggOffset: number;
  /** Column for TUMBLE_START(...) etc.; throws when the call does not match the query's window. */
  windowAux(name: string, call: Extract<Expr, { kind: 'call' }>): BExpr;
  readonly outputTypes: SqlType[];
}

export class Binder {
  constructor(
    private readonly functions: FunctionCatalog,
    private readonly now: () => number = Date.now,
  ) {}

  bind(e: Expr, scope: Scope, agg?: AggregationContext): BExpr {
    if (agg) {
      const grouped = this.bindGrouped(e, scope, agg);
      if (grouped) return grouped;
    }
    switch (e.kind) {
      case 'literal':
        return literal(e.value, e.raw);
      case 'interval':
        return { k: 'lit', value: e.ms, type: INTERVAL_TYPE };
      case 'timeUnit':
        return { k: 'lit', value: e.unit, type: T.STRING };
      case 'column': {
        const { index, rest } = scope.resolve(e.path, e.pos);
        const col = scope.columns[index]!;
        let out: BExpr = { k: 'col', index, type: col.type, pos: e.pos, name: col.name };
        for (const name of rest) out = fieldAccess(out, name, e.pos);
        return out;
      }
      case 'field':
        return fieldAccess(this.bind(e.arg, scope, agg), e.name, e.pos);
      case 'star':
        throw new SqlError('* is only allowed in a SELECT list or COUNT(*)', e.pos);
      case 'subscript': {
        const arg = this.bind(e.arg, scope, agg);
        const index = this.bind(e.index, scope, agg);
        if (arg.type.kind === 'ARRAY') {
          if (!isNumeric(index.type)) throw new SqlError(`array index must be a number, found ${typeToString(index.type)}`, e.pos);
          return { k: 'index', arg, index, type: arg.type.element };
        }
        if (arg.type.kind === 'MAP') return { k: 'index', arg, index, type: arg.type.value };
        if (arg.type.kind === 'ANY') return { k: 'index', arg, index, type: T.ANY };
        throw new SqlError(`cannot subscript a value of type ${typeToString(arg.type)}`, e.pos);
      }
      case 'unary': {
        const arg = this.bind(e.arg, scope, agg);
        if (e.op === 'NOT') return op('NOT', [expectBool(arg, e.pos)], T.BOOLEAN);
        if (e.op === '+') return arg;
        if (!isNumeric(arg.type) && arg.type.kind !== 'NULL' && arg.type.kind !== 'ANY') {
          throw new SqlError(`cannot negate a value of type ${typeToString(arg.type)}`, e.pos);
        }
        return op('NEG', [arg], arg.type);
      }
      case 'binary':
        return this.bindBinary(e, scope, agg);
      case 'between': {
        const arg = this.bind(e.arg, scope, agg);
        const low = this.bind(e.low, scope, agg);
        const high = this.bind(e.high, scope, agg);
        checkComparable(arg, low, e.pos);
        checkComparable(arg, high, e.pos);
        const both = op('AND', [op('>=', [arg, low], T.BOOLEAN), op('<=', [arg, high], T.BOOLEAN)], T.BOOLEAN);
        return e.negated ? op('NOT', [both], T.BOOLEAN) : both;
      }
      case 'in': {
        const arg = this.bind(e.arg, scope, agg);
        const list = e.list.map((x) => this.bind(x, scope, agg));
        for (const x of list) checkComparable(arg, x, e.pos);
        const inExpr: BExpr = { k: 'in', arg, list, type: T.BOOLEAN };
        return e.negated ? op('NOT', [inExpr], T.BOOLEAN) : inExpr;
      }
      case 'like': {
        const arg = this.bind(e.arg, scope, agg);
        const pattern = this.bind(e.pattern, scope, agg);
        let escape: string | null = null;
        if (e.escape) {
          if (e.escape.kind !== 'literal' || typeof e.escape.value !== 'string' || e.escape.value.length !== 1) {
            throw new SqlError('ESCAPE takes a single-character string literal', e.escape.pos);
          }
          escape = e.escape.value;
        }
        const like: BExpr = { k: 'like', arg, pattern, escape, type: T.BOOLEAN, similar: e.similar === true };
        return e.negated ? op('NOT', [like], T.BOOLEAN) : like;
      }
      case 'is': {
        const arg = this.bind(e.arg, scope, agg);
        const name = ({ NULL: 'IS_NULL', UNKNOWN: 'IS_NULL', TRUE: 'IS_TRUE', FALSE: 'IS_FALSE' } as const)[e.what];
        const negatedName = ({ IS_NULL: 'IS_NOT_NULL', IS_TRUE: 'IS_NOT_TRUE', IS_FALSE: 'IS_NOT_FALSE' } as const)[name];
        return op(e.negated ? negatedName : name, [arg], T.BOOLEAN);
      }
      case 'isDistinct': {
        const l = this.bind(e.left, scope, agg);
        const r = this.bind(e.right, scope, agg);
        checkComparable(l, r, e.pos);
        return op(e.negated ? 'IS_NOT_DISTINCT' : 'IS_DISTINCT', [l, r], T.BOOLEAN);
      }
      case 'case': {
        const operand = e.operand ? this.bind(e.operand, scope, agg) : undefined;
        const whens = e.whens.map((w) => {
          const cond = this.bind(w.when, scope, agg);
          const test = operand ? op('=', [operand, cond], T.BOOLEAN) : expectBool(cond, w.when.pos);
          return [test, this.bind(w.then, scope, agg)] as const;
        });
        const elseExpr = e.else ? this.bind(e.else, scope, agg) : null;
        const type = commonType([...whens.map((w) => w[1].type), ...(elseExpr ? [elseExpr.type] : [])]);
        if (!type) {
          const all = [...whens.map((w) => w[1].type), ...(elseExpr ? [elseExpr.type] : [])];
          throw new SqlError(`CASE branches have incompatible types: ${all.map(typeToString).join(', ')}`, e.pos);
        }
        return { k: 'case', whens, else: elseExpr, type };
      }
      case 'cast': {
        const arg = this.bind(e.arg, scope, agg);
        const type = typeFromSpec(e.type, e.pos);
        return { k: 'cast', arg, type, safe: e.safe, pos: e.pos };
      }
      case 'array': {
        const items = e.items.map((x) => this.bind(x, scope, agg));
        const el = commonType(items.map((x) => x.type));
        if (!el) throw new SqlError('ARRAY elements have incompatible types', e.pos);
        return op('ARRAY', items, T.array(el));
      }
      case 'map': {
        const items = e.items.map((x) => this.bind(x, scope, agg));
        if (items.length % 2) throw new SqlError('MAP[...] needs key, value pairs', e.pos);
        const keys = commonType(items.filter((_, i) => i % 2 === 0).map((x) => x.type)) ?? T.ANY;
        const values = commonType(items.filter((_, i) => i % 2 === 1).map((x) => x.type)) ?? T.ANY;
        return op('MAP', items, T.map(keys, values));
      }
      case 'row': {
        const items = e.items.map((x) => this.bind(x, scope, agg));
        return op('ROW', items, T.row(items.map((x, i) => ({ name: `EXPR$${i}`, type: x.type }))));
      }
      case 'call':
        return this.bindCall(e, scope, agg);
      case 'descriptor':
      case 'tableArg':
        throw new SqlError(`${e.kind === 'descriptor' ? 'DESCRIPTOR' : 'TABLE'} is only allowed as an argument of a window table function`, e.pos);
      case 'subquery':
        throw new SqlError('scalar sub-queries are not supported on streams; use a join', e.pos);
      case 'inQuery':
      case 'exists':
        throw new SqlError(`${e.kind === 'exists' ? 'EXISTS' : 'IN'} (sub-query) is only supported as a condition of WHERE, alone or AND-ed with others (it plans as a semi join)`, e.pos);
    }
  }

  /**
   * Inside an aggregation: an aggregate call, a window auxiliary function, or a whole expression equal to a
   * group key (read from the key's output column); undefined for anything bound the ordinary way.
   */
  private bindGrouped(e: Expr, scope: Scope, agg: AggregationContext): BExpr | undefined {
    if (e.kind === 'call' && !e.over && this.isAggregate(e.name)) return this.bindAggCall(e, scope, agg);
    if (e.kind === 'call' && WINDOW_AUX_FNS.has(e.name)) return agg.windowAux(e.name, e);
    // A whole expression equal to a group key refers to the key's output column.
    if (e.kind !== 'literal' && e.kind !== 'interval') {
      let plain: BExpr | undefined;
      try {
        plain = this.bind(e, scope);
      } catch {
        plain = undefined;
      }
      if (plain) {
        const k = agg.keyIndex.get(canon(plain));
        if (k !== undefined) return { k: 'col', index: k, type: agg.outputTypes[k]!, pos: e.pos };
        if (e.kind === 'column') {
          throw new SqlError(`column '${e.path.join('.')}' must appear in GROUP BY or be used in an aggregate function`, e.pos);
        }
      }
    }
    return undefined;
  }

  /** Is `name` an aggregate function (built-in or user-defined; both are in the function catalog)? */
  isAggregate(name: string): boolean {
    return this.functions.lookup(name)?.kind === 'aggregate';
  }

  private bindBinary(e: Extract<Expr, { kind: 'binary' }>, scope: Scope, agg?: AggregationContext): BExpr {
    const l = this.bind(e.left, scope, agg);
    const r = this.bind(e.right, scope, agg);
    switch (e.op) {
      case 'AND':
      case 'OR':
        return op(e.op, [expectBool(l, e.left.pos), expectBool(r, e.right.pos)], T.BOOLEAN);
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        checkComparable(l, r, e.pos);
        return op(e.op, [l, r], T.BOOLEAN);
      case '||': {
        // Flink (implicit coercion off) accepts only character strings here: 'a' || 1 needs CAST(1 AS STRING).
        const str = (x: BExpr, side: Expr): BExpr => {
          if (x.type.kind === 'STRING' || x.type.kind === 'NULL' || x.type.kind === 'ANY') return x;
          throw new SqlError(`operator || needs STRING operands, found ${typeToString(l.type)} || ${typeToString(r.type)}; use CAST(${side.kind === 'column' ? side.path.join('.') : 'x'} AS STRING)`, e.pos);
        };
        return op('||', [str(l, e.left), str(r, e.right)], T.STRING);
      }
      case '+':
      case '-': {
        // Year-month intervals add calendar months (clamped to the month's end), as TIMESTAMPADD(MONTH, ...).
        const months = e.right.kind === 'interval' ? e.right.months : e.left.kind === 'interval' && e.op === '+' ? e.left.months : undefined;
        if (months !== undefined && (isTime(l.type) || isTime(r.type))) {
          const ts = isTime(l.type) ? l : r;
          const n = e.op === '-' ? -months : months;
          const args: BExpr[] = [{ k: 'lit', value: 'MONTH', type: T.STRING }, { k: 'lit', value: n, type: T.INT }, ts];
          const fn = this.functions.resolve('TIMESTAMPADD', args.map((a) => a.type));
          return { k: 'call', name: fn.def.name, fn, args, type: T.TIMESTAMP };
        }
        if (isTime(l.type) && r.type === INTERVAL_TYPE) return op(e.op === '+' ? 'TS_ADD_INTERVAL' : 'TS_SUB_INTERVAL', [l, r], T.TIMESTAMP);
        if (l.type === INTERVAL_TYPE && isTime(r.type) && e.op === '+') return op('TS_ADD_INTERVAL', [r, l], T.TIMESTAMP);
        if (isTime(l.type) && isTime(r.type) && e.op === '-') return op('TS_DIFF', [l, r], T.BIGINT);
        return op(e.op, [l, r], arithmeticType(l, r, e.op, e.pos), e.pos);
      }
      default:
        // The position lets a runtime failure (division by zero) name the operator.
        return op(e.op as OpName, [l, r], arithmeticType(l, r, e.op, e.pos), e.pos);
    }
  }

  private bindCall(e: Extract<Expr, { kind: 'call' }>, scope: Scope, agg?: AggregationContext): BExpr {
    if (e.over) throw new SqlError(`OVER windows are only supported as a SELECT item of a plain query`, e.pos);
    if (this.isAggregate(e.name)) {
      throw new SqlError(`aggregate function ${e.name} is not allowed here`, e.pos);
    }
    if (WINDOW_GROUP_FNS.has(e.name)) throw new SqlError(`${e.name}(...) is only allowed in GROUP BY`, e.pos);
    if (WINDOW_AUX_FNS.has(e.name)) throw new SqlError(`${e.name}(...) needs a GROUP BY with the matching window`, e.pos);
    const args = e.args.map((a) => this.bind(a, scope, agg));
    switch (e.name) {
      case 'PROCTIME':
        // Flink's processing-time attribute: TIMESTAMP_LTZ(3) *PROCTIME*, the wall clock when evaluated.
        if (args.length !== 0 || e.star) throw new SqlError('PROCTIME() takes no arguments', e.pos);
        return op('PROCTIME', [], T.PROCTIME, e.pos);
      case 'CURRENT_WATERMARK':
        // Flink: the watermark of the operator evaluating it, NULL before the first; TIMESTAMP(3), no attribute.
        if (args.length !== 1 || !(args[0]!.k === 'col' && isRowtime(args[0]!.type))) {
          throw new SqlError('CURRENT_WATERMARK takes one argument, an event-time attribute (e.g. CURRENT_WATERMARK(rowtime))', e.pos);
        }
        return op('CURRENT_WATERMARK', args, T.TIMESTAMP, e.pos);
      case 'COALESCE':
      case 'GREATEST':
      case 'LEAST': {
        if (args.length === 0) throw new SqlError(`${e.name} needs at least one argument`, e.pos);
        const type = commonType(args.map((a) => a.type));
        if (!type) throw new SqlError(`${e.name} arguments have incompatible types: ${args.map((a) => typeToString(a.type)).join(', ')}`, e.pos);
        return op(e.name, args, type);
      }
      case 'NULLIF':
        if (args.length !== 2) throw new SqlError('NULLIF takes two arguments', e.pos);
        return op('NULLIF', args, plainType(args[0]!.type));
      case 'IF': {
        if (args.length !== 3) throw new SqlError('IF takes three arguments (condition, then, else)', e.pos);
        const type = commonType([args[1]!.type, args[2]!.type]);
        if (!type) throw new SqlError('IF branches have incompatible types', e.pos);
        return op('IF', [expectBool(args[0]!, e.pos), args[1]!, args[2]!], type);
      }
      default:
        break;
    }
    const missing = NOT_YET_SUPPORTED_FUNCTIONS[e.name.toUpperCase()];
    if (missing && !this.functions.lookup(e.name)) throw new SqlError(missing, e.pos);
    try {
      const fn = this.functions.resolve(e.name, args.map((a) => a.type));
      if (fn.def.kind === 'table') throw new SqlError(`table function ${e.name} must be used in LATERAL TABLE(...)`, e.pos);
      const type = roundResultType(fn.def.name, args) ?? fn.returnType;
      return { k: 'call', name: fn.def.name, fn, args, type, pos: e.pos };
    } catch (err) {
      if (err instanceof SqlError) throw err;
      if (err instanceof DirkError) throw new SqlError(err.message, e.pos, err);
      throw err;
    }
  }

  private bindAggCall(e: Extract<Expr, { kind: 'call' }>, scope: Scope, agg: AggregationContext): BExpr {
    if (e.name.toUpperCase() === 'LAG') throw new SqlError('LAG is only supported with OVER (PARTITION BY ... ORDER BY rowtime)', e.pos);
    const args = e.star ? [] : e.args.map((a) => this.bind(a, scope));
    const filter = e.filter ? expectBool(this.bind(e.filter, scope), e.filter.pos) : null;
    const call = this.makeAggCall(e, args, filter);
    const c = canonAgg(call);
    let i = agg.aggCanon.indexOf(c);
    if (i < 0) {
      i = agg.aggs.length;
      agg.aggs.push(call);
      agg.aggCanon.push(c);
      agg.outputTypes[agg.aggOffset + i] = call.type;
    }
    return { k: 'col', index: agg.aggOffset + i, type: call.type, pos: e.pos };
  }

  /**
   * An aggregate call: its definition from the catalog, which gives the result type (a built-in's `bindCall`
   * states Flink's type rule; a user aggregate's signatures are matched as a scalar function's are).
   */
  makeAggCall(e: Extract<Expr, { kind: 'call' }>, args: BExpr[], filter: BExpr | null): AggCall {
    const distinct = e.distinct === true;
    const def = this.functions.lookup(e.name);
    if (def?.kind === 'aggregate' && def.bindCall) {
      // A CAST of a literal is a literal too (LAG(b, 2, CAST(10086 AS BIGINT))).
      const literalOf = (a: BExpr): { value: unknown } | undefined => (a.k === 'lit' ? { value: a.value } : a.k === 'cast' && a.arg.k === 'lit' ? { value: a.arg.value } : undefined);
      const argInfo = args.map((a) => ({ type: a.type, ...(literalOf(a) ? { literal: literalOf(a)! } : {}) }));
      const bound = withPosition(e.pos, () => def.bindCall!(argInfo, distinct));
      return {
        name: e.name,
        args: bound.rowArgs === undefined ? args : args.slice(0, bound.rowArgs),
        distinct,
        filter,
        type: bound.type,
        aggregate: def as AggregateFunctionDef<unknown>,
        ...(bound.param !== undefined ? { param: bound.param } : {}),
      };
    }
    const fn = withPosition(e.pos, () => this.functions.resolve(e.name, args.map((a) => a.type)));
    if (fn.def.kind !== 'aggregate') throw new SqlError(`${e.name} is not an aggregate function`, e.pos);
    return { name: e.name, args, distinct, filter, type: fn.returnType, aggregate: fn.def as AggregateFunctionDef<unknown> };
  }

  /** Evaluates a constant expression at plan time (window sizes, LIMIT, etc.). */
  constantInterval(e: Expr, what: string): number {
    if (e.kind === 'interval') {
      if (e.months !== undefined) throw new SqlError(`${what} must be a day-time interval (SECOND, MINUTE, HOUR, DAY), not months`, e.pos);
      if (e.ms <= 0) throw new SqlError(`${what} must be positive, found ${e.text}`, e.pos);
      return e.ms;
    }
    throw new SqlError(`${what} must be an INTERVAL literal such as INTERVAL '1' MINUTE`, e.pos);
  }

  nowFn(): number {
    return this.now();
  }
}

/** Runs a catalog or definition step, turning its user error into a SQL error at the call's position. */
function withPosition<R>(pos: SourcePosition | undefined, f: () => R): R {
  try {
    return f();
  } catch (err) {
    if (err instanceof DirkError) throw new SqlError(err.message, pos, err);
    throw err;
  }
}

export const INTERVAL_TYPE: SqlType = Object.freeze({ kind: 'BIGINT' }) as SqlType;

function literal(value: string | number | boolean | null, raw?: string): BExpr {
  if (value === null) return { k: 'lit', value: null, type: T.NULL };
  if (typeof value === 'boolean') return { k: 'lit', value, type: T.BOOLEAN };
  if (typeof value === 'string') return { k: 'lit', value, type: T.STRING };
  if (raw !== undefined && /^-?[0-9]+$/.test(raw)) {
    const big = BigInt(raw);
    if (big >= -2147483648n && big <= 2147483647n) return { k: 'lit', value: Number(big), type: T.INT };
    const safe = big >= -9007199254740991n && big <= 9007199254740991n;
    return { k: 'lit', value: safe ? Number(big) : big, type: T.BIGINT };
  }
  if (raw !== undefined && /e/i.test(raw)) return { k: 'lit', value, type: T.DOUBLE };
  const scale = raw?.includes('.') ? raw.length - raw.indexOf('.') - 1 : 0;
  const exact = raw === undefined ? decimalFromNumber(value) : parseDecimal(raw);
  const precision = Math.min(MAX_DECIMAL_PRECISION, Math.max((raw ?? '').replace(/[-.]/g, '').length, scale, 1));
  return { k: 'lit', value: exact === null ? value : rescale(exact, scale), type: T.decimal(precision, scale) };
}

function op(name: OpName, args: BExpr[], type: SqlType, pos?: SourcePosition): BExpr {
  return pos ? { k: 'op', op: name, args, type, pos } : { k: 'op', op: name, args, type };
}

function expectBool(b: BExpr, pos: SourcePosition): BExpr {
  if (b.type.kind === 'BOOLEAN' || b.type.kind === 'NULL' || b.type.kind === 'ANY') return b;
  throw new SqlError(`expected a BOOLEAN condition, found ${typeToString(b.type)}`, pos);
}

function checkComparable(a: BExpr, b: BExpr, pos: SourcePosition): void {
  if (!comparable(a.type, b.type)) {
    throw new SqlError(`cannot compare ${typeToString(a.type)} with ${typeToString(b.type)}`, pos);
  }
}

function arithmeticType(l: BExpr, r: BExpr, o: string, pos: SourcePosition): SqlType {
  const ok = (t: SqlType): boolean => isNumeric(t) || t.kind === 'NULL' || t.kind === 'ANY';
  if (!ok(l.type) || !ok(r.type)) {
    throw new SqlError(`operator ${o} needs numbers, found ${typeToString(l.type)} and ${typeToString(r.type)}`, pos);
  }
  if (l.type.kind === 'ANY' || r.type.kind === 'ANY') return T.ANY;
  const w = widenNumeric(l.type, r.type);
  if (w.kind === 'DECIMAL') return decimalResult(l.type, r.type, o);
  return w;
}

/** Flink functions Dirk does not have yet: named, so that a query using one reads what is missing. */
const NOT_YET_SUPPORTED_FUNCTIONS: Readonly<Record<string, string>> = {
};

/** Flink's (Calcite's) DECIMAL result precision and scale for + - * / %, capped at 38 digits. */
function decimalResult(a: SqlType, b: SqlType, o: string): SqlType {
  const ps = (t: SqlType): [number, number] =>
    t.kind === 'DECIMAL' ? [t.precision, t.scale] : t.kind === 'INT' ? [10, 0] : t.kind === 'BIGINT' ? [19, 0] : [1, 0];
  const [p1, s1] = ps(a);
  const [p2, s2] = ps(b);
  let p: number;
  let s: number;
  if (o === '*') {
    p = p1 + p2;
    s = s1 + s2;
  } else if (o === '/') {
    s = Math.max(6, s1 + p2 + 1);
    p = p1 - s1 + s2 + s;
  } else if (o === '%') {
    s = Math.max(s1, s2);
    p = Math.min(p1 - s1, p2 - s2) + s;
  } else {
    s = Math.max(s1, s2);
    p = Math.max(p1 - s1, p2 - s2) + s + 1;
  }
  if (p > 38) {
    s = Math.max(Math.min(s, 6), s - (p - 38));
    p = 38;
  }
  return T.decimal(p, s);
}

/**
 * Flink's result type of ROUND / TRUNCATE of DECIMAL(p, s) to a literal r places: the same type when r >= s,
 * DECIMAL(1 + p - s + r, r) for 0 <= r < s (rounding can add a digit), DECIMAL(1 + p - s, 0) for r < 0.
 */
function roundResultType(name: string, args: readonly BExpr[]): SqlType | undefined {
  const t = args[0]?.type;
  if ((name !== 'ROUND' && name !== 'TRUNCATE') || t?.kind !== 'DECIMAL') return undefined;
  const d = args[1];
  const r = d === undefined ? 0 : d.k === 'lit' && typeof d.value === 'number' ? d.value : undefined;
  if (r === undefined) return undefined;
  if (r >= t.scale) return t;
  if (r < 0) return T.decimal(Math.min(MAX_DECIMAL_PRECISION, 1 + t.precision - t.scale), 0);
  return T.decimal(Math.min(MAX_DECIMAL_PRECISION, 1 + t.precision - t.scale + r), r);
}

function fieldAccess(arg: BExpr, name: string, pos: SourcePosition): BExpr {
  const t = arg.type;
  if (t.kind === 'ROW') {
    const f = t.fields.find((x) => x.name === name) ?? t.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!f) throw new SqlError(`field '${name}' not found; ${typeToString(t)} has ${t.fields.map((x) => x.name).join(', ')}`, pos);
    return { k: 'field', arg, name: f.name, type: f.type };
  }
  if (t.kind === 'MAP' && isStringy(t.key)) return { k: 'index', arg, index: { k: 'lit', value: name, type: T.STRING }, type: t.value };
  if (t.kind === 'ANY') return { k: 'field', arg, name, type: T.ANY };
  throw new SqlError(`cannot read field '${name}' of a value of type ${typeToString(t)}`, pos);
}

/** Structural identity of a bound expression (positions and function objects left out). */
export function canon(b: BExpr): string {
  return JSON.stringify(b, (key, value) => {
    if (key === 'fn') return (value as { def: { name: string } }).def.name;
    if (key === 'pos') return undefined;
    if (typeof value === 'bigint') return `${value}n`;
    return value;
  });
}

function canonAgg(a: AggCall): string {
  return JSON.stringify({ n: a.name, d: a.distinct, a: a.args.map(canon), f: a.filter ? canon(a.filter) : null, p: a.param ?? null });
}

export function isTimeAttribute(b: BExpr): boolean {
  return b.k === 'col' && isRowtime(b.type);
}
