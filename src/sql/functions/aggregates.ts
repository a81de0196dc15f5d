import { userError } from '../../core/errors.js';
import { canonicalInt64, T, typeToString, type SqlType } from '../../core/types.js';
import { Decimal, decimalDivide, decimalFromNumber, fitDecimal, parseDecimal, rescale, toDecimal } from '../../core/decimal.js';
import { addInt, roundDecimal, sqlCmp, sqlEq, sqlStr, subInt } from '../../core/value-ops.js';
import {
  defineAggregate,
  type AggregateAccumulator,
  type AggregateArgument,
  type AggregateBinding,
  type AggregateCall,
  type AggregateExample,
  type AggregateFunctionDef,
  type Signature,
} from '../../udf/api.js';
import { isNumeric, plainType } from '../types.js';

/**
 * Flink's built-in aggregate functions, defined through the same `defineAggregate` API as user aggregates
 * (as DataFusion's functions-aggregate crate does): the planner learns their names and type rules from the
 * function catalog, the runtime runs them through the one aggregate adapter, and the SQL docs list them with
 * examples that a test runs (accumulate, merge of split inputs, and retraction).
 *
 * Accumulators are small mutable objects updated in place. NULL arguments are skipped, as SQL aggregates do.
 */

type Num = number | bigint;
type Acc = any; // each aggregate's own accumulator shape

const isIntType = (t: SqlType): boolean => t.kind === 'INT' || t.kind === 'BIGINT';
const decimalScale = (t: SqlType): number | undefined => (t.kind === 'DECIMAL' ? t.scale : undefined);

/** Arrival numbers for FIRST_VALUE / LAST_VALUE: increasing within a run and across restarts (clock-seeded). */
let arrival = Date.now() * 1000;
const nextArrival = (): number => ++arrival;

// ---- plan-time rules (argument counts, numeric arguments, result types) ---------------------------------

function expectArgs(name: string, args: readonly AggregateArgument[], n: number): void {
  if (args.length !== n) throw userError(`${name} takes ${n} argument${n === 1 ? '' : 's'}, found ${args.length}`);
}

function expectNumeric(name: string, a: AggregateArgument | undefined): void {
  if (a && !isNumeric(a.type) && a.type.kind !== 'NULL' && a.type.kind !== 'ANY') {
    throw userError(`${name} needs a numeric argument, found ${typeToString(a.type)}`);
  }
}

/** One numeric argument; the result type from `type` (of the argument without its time attribute). */
const numericRule =
  (name: string, type: (arg: SqlType) => SqlType) =>
  (args: readonly AggregateArgument[]): AggregateBinding => {
    expectArgs(name, args, 1);
    expectNumeric(name, args[0]);
    return { type: type(plainType(args[0]!.type)) };
  };

/** One argument of any type; the result has the argument's type. */
const sameTypeRule =
  (name: string) =>
  (args: readonly AggregateArgument[]): AggregateBinding => {
    expectArgs(name, args, 1);
    return { type: plainType(args[0]!.type) };
  };

/** Flink: SUM of DECIMAL(p, s) is DECIMAL(38, s); otherwise the argument's type. */
const sumType = (t: SqlType): SqlType => (t.kind === 'DECIMAL' ? T.decimal(38, t.scale) : t);
/** Flink (Calcite's AVG return rule): the argument's type; DECIMAL(p, s) gives DECIMAL(38, max(6, s)). */
const avgType = (t: SqlType): SqlType => (t.kind === 'DECIMAL' ? T.decimal(38, Math.max(6, t.scale)) : t);
const varianceType = (t: SqlType): SqlType => (t.kind === 'DECIMAL' ? T.decimal(38, Math.max(6, t.scale)) : isNumeric(t) ? t : T.DOUBLE);

// ---- accumulators ------------------------------------------------------------------------------------------

/** `scale`: a DECIMAL sum is kept rounded to its scale, so 0.10 added ten times is 1.00 exactly, with no drift. */
function addNum(a: Num, b: Num, exact: boolean, scale?: number): Num {
  if (exact) return addInt(a, b);
  const s = (a as number) + Number(b);
  return scale === undefined ? s : roundDecimal(s, scale);
}

interface SumCount {
  s: any;
  n: number;
}

/**
 * The running sum and count of non-NULL values behind SUM, SUM0 and AVG; they differ only in the result.
 * A DECIMAL sum is exact: the unscaled bigint at the argument's scale (a DECIMAL(38, 18) sum of a million
 * rows is exact to the last digit).
 */
function sumCount(call: AggregateCall, result: (acc: SumCount, exact: boolean, scale: number | undefined) => unknown): AggregateAccumulator<SumCount> {
  const exact = isIntType(call.returnType);
  const scale = decimalScale(call.returnType);
  if (scale !== undefined) return decimalSumCount(call, result === average ? 'avg' : result === sum0Result ? 'sum0' : 'sum');
  return {
    createAccumulator: () => ({ s: 0, n: 0 }),
    accumulate: (a, v) => {
      if (v === null) return;
      a.s = addNum(a.s, v as Num, exact, scale);
      a.n++;
    },
    retract: (a, v) => {
      if (v === null) return;
      a.s = exact ? subInt(a.s, v as Num) : addNum(a.s, -Number(v), false, scale);
      a.n--;
    },
    merge: (a, b) => {
      a.s = addNum(a.s, b.s, exact, scale);
      a.n += b.n;
    },
    getValue: (a) => result(a, exact, scale),
  };
}

const sumResult = (a: SumCount): unknown => (a.n === 0 ? null : a.s);
const sum0Result = (a: SumCount): unknown => (a.n === 0 ? 0 : a.s);

/** unscaled value of `v` (a DECIMAL or an integer) at `scale`. */
function unscaledAt(v: unknown, scale: number): bigint {
  if (v instanceof Decimal && v.scale === scale) return v.unscaled;
  const d = toDecimal(v);
  if (d === null) throw new Error(`internal error: ${String(v)} is not a number`);
  return rescale(d, scale).unscaled;
}

/**
 * SUM / SUM0 / AVG of DECIMAL: Flink's DECIMAL(38, s) sum (NULL when it overflows 38 digits, as Flink) and
 * the average sum / count rounded HALF_UP to DECIMAL(38, max(6, s)).
 */
function decimalSumCount(call: AggregateCall, kind: 'sum' | 'sum0' | 'avg'): AggregateAccumulator<SumCount> {
  const rt = call.returnType as Extract<SqlType, { kind: 'DECIMAL' }>;
  const arg = call.argTypes[0];
  const s = arg?.kind === 'DECIMAL' ? arg.scale : rt.scale;
  return {
    createAccumulator: () => ({ s: 0n, n: 0 }),
    accumulate: (a, v) => {
      if (v === null) return;
      a.s += unscaledAt(v, s);
      a.n++;
    },
    retract: (a, v) => {
      if (v === null) return;
      a.s -= unscaledAt(v, s);
      a.n--;
    },
    merge: (a, b) => {
      a.s += b.s;
      a.n += b.n;
    },
    getValue: (a) => {
      if (a.n === 0) return kind === 'sum0' ? new Decimal(0n, rt.scale) : null;
      const total = new Decimal(a.s, s);
      if (kind !== 'avg') return fitDecimal(total, rt.precision, rt.scale);
      const avg = decimalDivide(total, new Decimal(BigInt(a.n), 0), rt.scale);
      return avg === null ? null : fitDecimal(avg, rt.precision, rt.scale);
    },
  };
}

/** Flink keeps the argument type: AVG of INT is an INT (truncated); of DECIMAL rounded to its scale. */
function average(a: SumCount, exact: boolean, scale: number | undefined): unknown {
  if (a.n === 0) return null;
  if (exact) return typeof a.s === 'bigint' ? canonicalInt64(a.s / BigInt(a.n)) : Math.trunc(a.s / a.n);
  return scale === undefined ? a.s / a.n : roundDecimal(a.s / a.n, scale);
}

/** MIN / MAX; over a retracting input it keeps counts per value so that retraction can restore the previous extreme. */
function extreme(min: boolean, call: AggregateCall): AggregateAccumulator<Acc> {
  const better = min ? (x: unknown, y: unknown) => sqlCmp(x, y) < 0 : (x: unknown, y: unknown) => sqlCmp(x, y) > 0;
  // Decimal values are objects: their counts are keyed by their text, and read back from it.
  const argType = call.argTypes[0];
  const decimal = argType?.kind === 'DECIMAL';
  const keyOf = (v: unknown): unknown => (decimal && v instanceof Decimal ? v.toJSON() : v);
  const valueOf = (k: unknown): unknown => (decimal && typeof k === 'string' ? rescale(parseDecimal(k)!, (argType as { scale: number }).scale) : k);
  return {
    createAccumulator: () => ({ v: null as unknown, counts: call.retracting ? new Map<unknown, number>() : null }),
    accumulate: (a, v) => {
      if (v === null) return;
      if (a.v === null || better(v, a.v)) a.v = v;
      if (a.counts) a.counts.set(keyOf(v), (a.counts.get(keyOf(v)) ?? 0) + 1);
    },
    retract: (a, v) => {
      if (v === null) return;
      if (!a.counts) throw new Error('internal error: MIN/MAX retraction without value counts');
      const key = keyOf(v);
      const c = (a.counts.get(key) ?? 0) - 1;
      if (c <= 0) a.counts.delete(key);
      else a.counts.set(key, c);
      if (sqlEq(v, a.v)) {
        a.v = null;
        for (const k of a.counts.keys()) if (a.v === null || better(valueOf(k), a.v)) a.v = valueOf(k);
      }
    },
    merge: (a, b) => {
      if (b.v !== null && (a.v === null || better(b.v, a.v))) a.v = b.v;
    },
    getValue: (a) => a.v,
  };
}

/**
 * FIRST_VALUE / LAST_VALUE follow arrival order, as Flink; the arrival number lets merged panes and sessions
 * (whose accumulators are combined in time order) still pick the first / last arrival. Over a retracting
 * input they keep the non-NULL values in arrival order so that a retraction can remove one and the first
 * (last) remaining value takes over, as Flink's retracting variants do.
 */
function firstOrLast(first: boolean, call: AggregateCall): AggregateAccumulator<Acc> {
  if (call.retracting) {
    return {
      createAccumulator: () => ({ items: [] as unknown[] }),
      accumulate: (a, v) => void (v !== null && a.items.push(v)),
      retract: (a, v) => {
        if (v === null) return;
        const i = first ? a.items.findIndex((x: unknown) => sqlEq(x, v)) : a.items.findLastIndex((x: unknown) => sqlEq(x, v));
        if (i >= 0) a.items.splice(i, 1);
      },
      merge: (a, b) => void a.items.push(...b.items),
      getValue: (a) => (a.items.length ? (first ? a.items[0] : a.items[a.items.length - 1]) : null),
    };
  }
  if (first) {
    return {
      createAccumulator: () => ({ v: null, set: false, seq: Infinity }),
      accumulate: (a, v) => {
        if (!a.set && v !== null) {
          a.v = v;
          a.set = true;
          a.seq = nextArrival();
        }
      },
      retract: () => {},
      merge: (a, b) => {
        if (b.set && (!a.set || b.seq < a.seq)) {
          a.v = b.v;
          a.set = true;
          a.seq = b.seq;
        }
      },
      getValue: (a) => a.v,
    };
  }
  return {
    createAccumulator: () => ({ v: null, seq: -Infinity }),
    accumulate: (a, v) => {
      if (v !== null) {
        a.v = v;
        a.seq = nextArrival();
      }
    },
    retract: () => {},
    merge: (a, b) => {
      if (b.v !== null && b.seq > a.seq) {
        a.v = b.v;
        a.seq = b.seq;
      }
    },
    getValue: (a) => a.v,
  };
}

/** STDDEV / VARIANCE families: count, sum and sum of squares. */
function spread(population: boolean, root: boolean, call: AggregateCall): AggregateAccumulator<Acc> {
  const exact = isIntType(call.returnType);
  const scale = decimalScale(call.returnType);
  return {
    createAccumulator: () => ({ n: 0, s: 0, q: 0 }),
    accumulate: (a, v) => {
      if (v === null) return;
      const x = Number(v);
      a.n++;
      a.s += x;
      a.q += x * x;
    },
    retract: (a, v) => {
      if (v === null) return;
      const x = Number(v);
      a.n--;
      a.s -= x;
      a.q -= x * x;
    },
    merge: (a, b) => {
      a.n += b.n;
      a.s += b.s;
      a.q += b.q;
    },
    getValue: (a) => {
      const d = population ? a.n : a.n - 1;
      if (a.n === 0 || d <= 0) return null;
      if (exact) {
        // Flink reduces these to (SUM(x*x) - SUM(x)*SUM(x)/COUNT(x)) / COUNT(x) in the argument's integer
        // type: each division truncates, and the square root is cast back (truncated).
        const variance = Math.trunc((a.q - Math.trunc((a.s * a.s) / a.n)) / d);
        return root ? Math.trunc(Math.sqrt(Math.max(0, variance))) : variance;
      }
      const variance = Math.max(0, (a.q - (a.s * a.s) / a.n) / d);
      const v = root ? Math.sqrt(variance) : variance;
      if (scale === undefined) return v;
      // computed in doubles (as the value model had before exact DECIMAL), then made a DECIMAL of the result type
      const exactV = decimalFromNumber(v);
      return exactV === null ? null : fitDecimal(exactV, 38, scale);
    },
  };
}

// ---- the definitions ---------------------------------------------------------------------------------------

interface BuiltinSpec {
  readonly name: string;
  readonly description: string;
  readonly signatures: readonly Signature[];
  readonly bindCall: (args: readonly AggregateArgument[], distinct: boolean) => AggregateBinding;
  readonly forCall: (call: AggregateCall) => AggregateAccumulator<Acc>;
  readonly examples: readonly AggregateExample[];
}

/** The call a built-in's own (unspecialised) accumulator functions serve: one DOUBLE argument, append-only. */
const DEFAULT_CALL: AggregateCall = { argTypes: [T.DOUBLE], returnType: T.DOUBLE, retracting: false };

/** Built-in accumulators update in place (`inPlace`), so their state is the accumulator itself. */
function builtin(spec: BuiltinSpec): AggregateFunctionDef<Acc> {
  const forCall = (call: AggregateCall): AggregateAccumulator<Acc> => ({ ...spec.forCall(call), inPlace: true });
  return defineAggregate<Acc>({ ...forCall(DEFAULT_CALL), ...spec, forCall, exactDecimals: true });
}

const NUMERIC_IN: readonly Signature[] = [{ params: ['NUMERIC'], returns: (t) => t[0]! }];
const ANY_IN: readonly Signature[] = [{ params: ['ANY'], returns: (t) => t[0]! }];

const spreadDef = (name: string, population: boolean, root: boolean, what: string, result: number): AggregateFunctionDef<Acc> =>
  builtin({
    name,
    description: `${what} of the non-NULL values (DOUBLE for floating arguments; integer arguments keep their type, truncating as Flink does).`,
    signatures: NUMERIC_IN,
    bindCall: numericRule(name, varianceType),
    forCall: (call) => spread(population, root, call),
    examples: [{ rows: [[2.0], [4.0], [4.0], [4.0], [5.0], [5.0], [7.0], [9.0]], result, sql: `${name}(x)` }],
  });

export const builtinAggregates: readonly AggregateFunctionDef<Acc>[] = [
  builtin({
    name: 'COUNT',
    description: 'COUNT(*) counts rows; COUNT(x) counts rows where x is not NULL. BIGINT.',
    signatures: [
      { params: [], returns: 'BIGINT' },
      { params: ['ANY'], returns: 'BIGINT' },
    ],
    bindCall: (args, distinct) => {
      if (args.length > 1 && !distinct) throw userError('COUNT takes one argument');
      // COUNT(DISTINCT a, b) counts by its first argument (the row's other values are not evaluated).
      return { type: T.BIGINT, rowArgs: Math.min(args.length, 1) };
    },
    forCall: () => ({
      createAccumulator: () => ({ n: 0 }),
      // COUNT(*) passes no argument (undefined): every row counts.
      accumulate: (a, v) => void (v !== null && a.n++),
      retract: (a, v) => void (v !== null && a.n--),
      merge: (a, b) => void (a.n += b.n),
      getValue: (a) => a.n,
    }),
    examples: [
      { rows: [['a'], [null], ['b']], result: 2, sql: 'COUNT(x)' },
      { rows: [[], [], []], result: 3, sql: 'COUNT(*)' },
    ],
  }),
  builtin({
    name: 'SUM',
    description: 'Sum of the non-NULL values; NULL when there are none. Integer sums are exact (BIGINT wraps like Java long); SUM of DECIMAL(p, s) is DECIMAL(38, s).',
    signatures: NUMERIC_IN,
    bindCall: numericRule('SUM', sumType),
    forCall: (call) => sumCount(call, sumResult),
    examples: [
      { rows: [[1], [2], [null], [4]], result: 7, sql: 'SUM(x)', argTypes: ['INT'] },
      { rows: [[0.1], [0.2]], result: 0.3, sql: 'SUM(x)', argTypes: ['DECIMAL(10, 2)'] },
      { rows: [[null]], result: null, sql: 'SUM(x)', argTypes: ['INT'] },
    ],
  }),
  builtin({
    name: 'SUM0',
    description: 'As SUM, but 0 instead of NULL when there are no non-NULL values.',
    signatures: NUMERIC_IN,
    bindCall: numericRule('SUM0', sumType),
    forCall: (call) => sumCount(call, sum0Result),
    examples: [
      { rows: [[1], [2]], result: 3, sql: 'SUM0(x)', argTypes: ['INT'] },
      { rows: [[null]], result: 0, sql: 'SUM0(x)', argTypes: ['INT'] },
    ],
  }),
  builtin({
    name: 'AVG',
    description: "Average of the non-NULL values, in the argument's type as Flink: AVG of INT truncates; AVG of DECIMAL(p, s) is DECIMAL(38, max(6, s)).",
    signatures: NUMERIC_IN,
    bindCall: numericRule('AVG', avgType),
    forCall: (call) => sumCount(call, average),
    examples: [
      { rows: [[1], [2]], result: 1, sql: 'AVG(x)', argTypes: ['INT'] },
      { rows: [[1.0], [2.0]], result: 1.5, sql: 'AVG(x)', argTypes: ['DOUBLE'] },
    ],
  }),
  builtin({
    name: 'MIN',
    description: 'Smallest non-NULL value (numbers, strings, timestamps...).',
    signatures: ANY_IN,
    bindCall: sameTypeRule('MIN'),
    forCall: (call) => extreme(true, call),
    examples: [{ rows: [[3], [null], [1], [2]], result: 1, sql: 'MIN(x)', argTypes: ['INT'] }],
  }),
  builtin({
    name: 'MAX',
    description: 'Largest non-NULL value (numbers, strings, timestamps...).',
    signatures: ANY_IN,
    bindCall: sameTypeRule('MAX'),
    forCall: (call) => extreme(false, call),
    examples: [{ rows: [['b'], ['c'], ['a']], result: 'c', sql: 'MAX(x)', argTypes: ['STRING'] }],
  }),
  spreadDef('STDDEV', false, true, 'Sample standard deviation', Math.sqrt(32 / 7)),
  spreadDef('STDDEV_POP', true, true, 'Population standard deviation', 2),
  spreadDef('STDDEV_SAMP', false, true, 'Sample standard deviation', Math.sqrt(32 / 7)),
  spreadDef('VAR_POP', true, false, 'Population variance', 4),
  spreadDef('VAR_SAMP', false, false, 'Sample variance', 32 / 7),
  spreadDef('VARIANCE', false, false, 'Sample variance', 32 / 7),
  builtin({
    name: 'FIRST_VALUE',
    description: 'The first non-NULL value to arrive.',
    signatures: ANY_IN,
    bindCall: sameTypeRule('FIRST_VALUE'),
    forCall: (call) => firstOrLast(true, call),
    examples: [{ rows: [[null], ['a'], ['b']], result: 'a', sql: 'FIRST_VALUE(x)', argTypes: ['STRING'] }],
  }),
  builtin({
    name: 'LAST_VALUE',
    description: 'The last non-NULL value to arrive.',
    signatures: ANY_IN,
    bindCall: sameTypeRule('LAST_VALUE'),
    forCall: (call) => firstOrLast(false, call),
    examples: [{ rows: [['a'], ['b'], [null]], result: 'b', sql: 'LAST_VALUE(x)', argTypes: ['STRING'] }],
  }),
  builtin({
    name: 'COLLECT',
    description: 'The non-NULL values as an ARRAY (a multiset, in arrival order).',
    signatures: [{ params: ['ANY'], returns: (t) => T.array(t[0]!) }],
    bindCall: (args) => {
      expectArgs('COLLECT', args, 1);
      return { type: T.array(plainType(args[0]!.type)) };
    },
    forCall: () => ({
      createAccumulator: () => ({ items: [] as unknown[] }),
      accumulate: (a, v) => void (v !== null && a.items.push(v)),
      retract: (a, v) => {
        const i = a.items.findIndex((x: unknown) => sqlEq(x, v));
        if (i >= 0) a.items.splice(i, 1);
      },
      merge: (a, b) => void a.items.push(...b.items),
      getValue: (a) => [...a.items],
    }),
    examples: [{ rows: [['a'], [null], ['b']], result: ['a', 'b'], sql: 'COLLECT(x)', argTypes: ['STRING'] }],
  }),
  builtin({
    name: 'LISTAGG',
    description: "The non-NULL values as text joined by the separator (a string literal, ',' by default); NULL when there are none.",
    signatures: [
      { params: ['ANY'], returns: 'STRING' },
      { params: ['ANY', 'STRING'], returns: 'STRING' },
    ],
    bindCall: (args) => {
      if (args.length < 1 || args.length > 2) throw userError('LISTAGG takes one or two arguments');
      const sep = args[1];
      if (sep && !(sep.literal && typeof sep.literal.value === 'string')) throw userError('LISTAGG separator must be a string literal');
      return { type: T.STRING, rowArgs: 1, param: sep ? sep.literal!.value : ',' };
    },
    forCall: (call) => {
      const sep = String(call.param ?? ',');
      return {
        createAccumulator: () => ({ items: [] as string[] }),
        accumulate: (a, v) => void (v !== null && a.items.push(sqlStr(v))),
        retract: (a, v) => {
          const i = a.items.indexOf(sqlStr(v));
          if (i >= 0) a.items.splice(i, 1);
        },
        merge: (a, b) => void a.items.push(...b.items),
        getValue: (a) => (a.items.length ? a.items.join(sep) : null),
      };
    },
    examples: [
      { rows: [['a'], [null], ['b']], result: 'a,b', sql: 'LISTAGG(x)', argTypes: ['STRING'] },
      { rows: [['a'], ['b']], literals: ['-'], result: 'a-b', sql: "LISTAGG(x, '-')", argTypes: ['STRING'] },
    ],
  }),
];

/**
 * Aggregates that only run OVER a window: LAG keeps the last values in arrival order, so it can neither
 * retract nor merge (Flink's LagAggFunction has the same limits: unbounded frames, no LEAD on streams).
 */
export const overOnlyAggregates: readonly AggregateFunctionDef<Acc>[] = [
  builtin({
    name: 'LAG',
    description:
      'OVER only: the value `offset` rows (default 1) before the current row in its partition, or `default` (NULL) when there is none. Rows at the same instant of a RANGE frame are peers and read the same value, as in Flink. Needs an unbounded frame.',
    signatures: [
      { params: ['ANY'], returns: (t) => t[0]! },
      { params: ['ANY', 'INT'], returns: (t) => t[0]! },
      { params: ['ANY', 'INT', 'ANY'], returns: (t) => t[0]! },
    ],
    bindCall: (args) => {
      if (args.length < 1 || args.length > 3) throw userError('LAG takes one to three arguments (value, offset, default)');
      const off = args[1];
      const offset = off ? off.literal?.value : 1;
      if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw userError('LAG offset must be a non-negative integer literal');
      const def = args[2];
      if (def && !def.literal) throw userError('LAG default must be a literal');
      const type = plainType(args[0]!.type);
      if (def && def.type.kind !== 'NULL' && isNumeric(def.type) !== isNumeric(args[0]!.type)) {
        throw userError(`LAG default of type ${typeToString(def.type)} does not match the value's type ${typeToString(args[0]!.type)}`);
      }
      return { type, rowArgs: 1, param: { offset, fallback: def ? def.literal!.value : null } };
    },
    forCall: (call) => {
      const { offset, fallback } = (call.param ?? { offset: 1, fallback: null }) as { offset: number; fallback: unknown };
      return {
        // The last offset + 1 values, NULLs included: the oldest is the answer once there are that many.
        createAccumulator: () => ({ last: [] as unknown[] }),
        accumulate: (a, v) => {
          a.last.push(v);
          if (a.last.length > offset + 1) a.last.shift();
        },
        getValue: (a) => (a.last.length === offset + 1 ? a.last[0] : fallback),
      };
    },
    examples: [{ rows: [[1], [2], [3]], result: 2, sql: 'LAG(x) OVER (PARTITION BY k ORDER BY rowtime)', argTypes: ['INT'] }],
  }),
];
