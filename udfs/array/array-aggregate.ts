import { defineScalar } from '../../src/udf/api.js';

/**
 * ArrayAggregate / ArrayOperate apply a chain of Java-stream-like operations to an array, named as in Dagger:
 * 'distinct', 'sorted' (intermediate) then, for ArrayAggregate, one of 'sum', 'average', 'min', 'max', 'count',
 * 'findFirst', 'findAny', joined with dots ('distinct.sum'). The data type says how elements are read:
 * INT/INTEGER, LONG/BIGINT, DOUBLE, FLOAT (numbers) or OTHER (any values; numeric terminals are not allowed).
 * As in Dagger, min / max / average / findFirst of an empty numeric array give 0.
 */
type ElementKind = 'int' | 'long' | 'double' | 'other';

const KINDS: Readonly<Record<string, ElementKind>> = {
  INT: 'int',
  INTEGER: 'int',
  LONG: 'long',
  BIGINT: 'long',
  DOUBLE: 'double',
  FLOAT: 'double',
  OTHER: 'other',
};

const INTERMEDIATE = new Set(['distinct', 'sorted']);
const TERMINAL = new Set(['sum', 'average', 'min', 'max', 'count', 'findFirst', 'findAny']);

function kindOf(dataType: string, fn: string): ElementKind {
  const k = KINDS[dataType.toUpperCase()];
  if (k === undefined) {
    throw new Error(`${fn}: no support for data type "${dataType}"; use one of ${Object.keys(KINDS).join(', ')} (OTHER for anything else)`);
  }
  return k;
}

function readElements(values: readonly unknown[], kind: ElementKind, fn: string): unknown[] {
  if (kind === 'other') return [...values];
  return values.map((v, i) => {
    if (kind === 'long' && typeof v === 'bigint') return v;
    if (typeof v !== 'number') throw new Error(`${fn}: element ${i} (${v === null ? 'null' : typeof v}) is not a number`);
    if (kind !== 'double' && !Number.isInteger(v)) throw new Error(`${fn}: element ${i} (${v}) is not an integer`);
    return v;
  });
}

function compare(a: unknown, b: unknown): number {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new Error(`cannot sort values of types ${typeof a} and ${typeof b}`);
}

const keyOf = (v: unknown): unknown => (v instanceof Uint8Array ? `bytes:${Buffer.from(v).toString('hex')}` : v);

function applyIntermediate(values: unknown[], op: string): unknown[] {
  if (op === 'distinct') {
    const seen = new Set<unknown>();
    return values.filter((v) => {
      const k = keyOf(v);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  return [...values].sort(compare);
}

function parseOps(operation: string, fn: string, terminalRequired: boolean): { steps: string[]; terminal?: string } {
  const parts = operation.split('.');
  const steps: string[] = [];
  let terminal: string | undefined;
  parts.forEach((p, i) => {
    if (INTERMEDIATE.has(p)) steps.push(p);
    else if (terminalRequired && TERMINAL.has(p) && i === parts.length - 1) terminal = p;
    else {
      const allowed = terminalRequired ? [...INTERMEDIATE, ...TERMINAL] : [...INTERMEDIATE];
      throw new Error(`${fn}: unknown operation "${p}" in "${operation}"; allowed: ${allowed.join(', ')}${terminalRequired ? ' (the last one must be an aggregation)' : ''}`);
    }
  });
  if (terminalRequired && terminal === undefined) throw new Error(`${fn}: "${operation}" must end with one of ${[...TERMINAL].join(', ')}`);
  return terminal === undefined ? { steps } : { steps, terminal };
}

function aggregate(values: unknown[], terminal: string, kind: ElementKind): unknown {
  if (terminal === 'count') return values.length;
  if (terminal === 'findFirst' || terminal === 'findAny') return values.length > 0 ? values[0] : kind === 'other' ? null : 0;
  if (kind === 'other') throw new Error(`ArrayAggregate: "${terminal}" needs a numeric data type, not OTHER`);
  if (kind === 'long') {
    const big = values.map((v) => BigInt(v as number | bigint));
    if (terminal === 'sum') return big.reduce((a, b) => a + b, 0n);
    if (big.length === 0) return 0;
    if (terminal === 'average') return Number(big.reduce((a, b) => a + b, 0n)) / big.length;
    return big.reduce((a, b) => ((terminal === 'min' ? b < a : b > a) ? b : a));
  }
  const nums = values as number[];
  if (terminal === 'sum') return kind === 'int' ? nums.reduce((a, b) => (a + b) | 0, 0) : nums.reduce((a, b) => a + b, 0);
  if (nums.length === 0) return 0;
  if (terminal === 'average') return nums.reduce((a, b) => a + b, 0) / nums.length;
  return terminal === 'min' ? Math.min(...nums) : Math.max(...nums);
}

function canonical(v: unknown): unknown {
  return typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export const ArrayAggregate = defineScalar({
  name: 'ArrayAggregate',
  description:
    "Aggregates an array: operation is a dot-separated chain such as 'sum', 'distinct.count', 'sorted.findFirst' (sum, average, min, max, count, findFirst, findAny, optionally after distinct / sorted); dataType is INT, BIGINT, LONG, DOUBLE, FLOAT or OTHER.",
  signatures: [{ params: ['ARRAY<ANY>', 'STRING', 'STRING'], returns: 'ANY' }],
  eval: (values, operation, dataType) => {
    const kind = kindOf(dataType!, 'ArrayAggregate');
    const { steps, terminal } = parseOps(operation!, 'ArrayAggregate', true);
    let xs = readElements(values!, kind, 'ArrayAggregate');
    for (const s of steps) xs = applyIntermediate(xs, s);
    return canonical(aggregate(xs, terminal!, kind));
  },
  examples: [
    { args: [[1, 2, 2, 3], 'sum', 'INT'], result: 8, sql: "ArrayAggregate(arr, 'sum', 'Integer')" },
    { args: [[1, 2, 2, 3], 'distinct.sum', 'int'], result: 6 },
    { args: [[1.5, 2.5], 'average', 'DOUBLE'], result: 2 },
    { args: [[4, 1, 3], 'sorted.findFirst', 'BIGINT'], result: 1 },
    { args: [['a', 'b', 'a'], 'distinct.count', 'Other'], result: 2 },
    { args: [[], 'max', 'DOUBLE'], result: 0 },
    { args: [null, 'sum', 'INT'], result: null },
  ],
});

export const ArrayOperate = defineScalar({
  name: 'ArrayOperate',
  description: "Transforms an array with 'distinct', 'sorted' or a chain of both ('distinct.sorted'); dataType as for ArrayAggregate.",
  signatures: [{ params: ['ARRAY<ANY>', 'STRING', 'STRING'], returns: (ts) => (ts[0]?.kind === 'ARRAY' ? ts[0] : { kind: 'ARRAY', element: { kind: 'ANY' } }) }],
  eval: (values, operation, dataType) => {
    const kind = kindOf(dataType!, 'ArrayOperate');
    const { steps } = parseOps(operation!, 'ArrayOperate', false);
    let xs = readElements(values!, kind, 'ArrayOperate');
    for (const s of steps) xs = applyIntermediate(xs, s);
    return xs.map(canonical);
  },
  examples: [
    { args: [[3, 1, 3, 2], 'distinct.sorted', 'INT'], result: [1, 2, 3], sql: "ArrayOperate(arr, 'distinct.sorted', 'Integer')" },
    { args: [['b', 'a', 'b'], 'distinct', 'other'], result: ['b', 'a'] },
    { args: [[], 'sorted', 'DOUBLE'], result: [] },
  ],
});
