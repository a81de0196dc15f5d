/**
 * Flink's datagen rules, column by column (a SQL script's `'connector' = 'datagen'`, or SOURCE_DATAGEN_FIELDS).
 *
 * Each column is `random` (the default) or `sequence`:
 * - random numbers are uniform in [min, max] (default: the type's whole range; DOUBLE/FLOAT/DECIMAL default to
 *   Flink's own defaults of the type's range too, clamped to what the type holds), booleans are fair coins,
 *   strings and bytes are `length` (default 100) random hex characters / bytes, shorter at random with `var-len`,
 *   timestamps are the wall clock minus a random amount up to `max-past` (default 0: now), arrays and maps hold
 *   `length` (default 3) random elements;
 * - sequence columns count from `start` to `end` (both required), one step per row; the source ends when a
 *   sequence is used up (or at `number-of-rows`, whichever comes first), as Flink's does;
 * - `null-rate` (0 to 1) makes a nullable column null that often.
 *
 * Values are random by design (no seed in Flink's options), except sequences and `number-of-rows`: a test of
 * a datagen job asserts ranges, counts and sequences, not values.
 */
import { canonicalInt64, type Field, type Row, type SqlType, type TableSchema } from '../../core/types.js';
import { fitDecimal, parseDecimal, type Decimal } from '../../core/decimal.js';
import { userError } from '../../core/errors.js';

/** The options of one column, as Flink names them (`fields.<column>.<option>`), values as text. */
export type FlinkFieldOptions = Readonly<Record<string, string>>;

/** Option names Flink's datagen knows for a column. */
export const FLINK_FIELD_OPTIONS = ['kind', 'min', 'max', 'max-past', 'length', 'var-len', 'start', 'end', 'null-rate'] as const;

const INT_RANGE = [-2147483648, 2147483647] as const;
const LONG_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const;
/** Flink's random DOUBLE/FLOAT default range is the type's whole range; a uniform draw over it is all huge
 *  values, so like Flink's generator we draw min + r * (max - min) with the type's bounds. */
const DOUBLE_RANGE = [-Number.MAX_VALUE, Number.MAX_VALUE] as const;
const FLOAT_MAX = 3.4028234663852886e38;

export interface FlinkRowGenerator {
  next(): Row;
  /** Rows the sequences allow (Infinity when no column is a sequence). */
  readonly limit: number;
}

type Gen = () => unknown;

function fail(where: string, msg: string): never {
  throw userError(`${where}: ${msg}`);
}

function num(where: string, v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  if (v.trim() === '' || !Number.isFinite(n)) fail(where, `'${what}' expects a number, found '${v}'`);
  return n;
}

function int(where: string, v: string | undefined, what: string): bigint | undefined {
  if (v === undefined) return undefined;
  if (!/^\s*-?\d+\s*$/.test(v)) fail(where, `'${what}' expects a whole number, found '${v}'`);
  return BigInt(v.trim());
}

/** A Flink duration: `5000` (ms), `10 s`, `1 min`, `2 h`, `1 d`. */
export function flinkDurationMs(where: string, v: string): number {
  const m = /^\s*(\d+)\s*(ms|milli|millis|millisecond|milliseconds|s|sec|secs|second|seconds|min|mins|minute|minutes|h|hour|hours|d|day|days)?\s*$/i.exec(v);
  if (!m) fail(where, `'max-past' expects a duration such as '10 s' or '5000' (ms), found '${v}'`);
  const unit = (m[2] ?? 'ms').toLowerCase();
  const scale = unit.startsWith('ms') || unit.startsWith('milli') ? 1 : unit.startsWith('s') ? 1000 : unit.startsWith('m') ? 60_000 : unit.startsWith('h') ? 3_600_000 : 86_400_000;
  return Number(m[1]) * scale;
}

/** A uniform bigint in [lo, hi]. */
function randomBigInt(lo: bigint, hi: bigint): bigint {
  const span = hi - lo + 1n;
  if (span <= 0x1fffffffffffffn) return lo + BigInt(Math.floor(Math.random() * Number(span)));
  // 64 random bits, folded into the span (the bias is below 2^-10 for any span here).
  const bits = (BigInt(Math.floor(Math.random() * 2 ** 32)) << 32n) | BigInt(Math.floor(Math.random() * 2 ** 32));
  return lo + (bits % span);
}

const HEX = '0123456789abcdef';

function fieldGen(where: string, type: SqlType, o: FlinkFieldOptions, nullable: boolean, sequences: number[]): Gen {
  const kind = (o['kind'] ?? 'random').toLowerCase();
  if (kind !== 'random' && kind !== 'sequence') fail(where, `'kind' = '${o['kind']}' is not supported; use 'random' or 'sequence'`);
  const nullRate = num(where, o['null-rate'], 'null-rate') ?? 0;
  if (nullRate < 0 || nullRate > 1) fail(where, `'null-rate' must be between 0 and 1, found ${nullRate}`);
  const gen = kind === 'sequence' ? sequenceGen(where, type, o, sequences) : randomGen(where, type, o);
  if (nullRate === 0 || !nullable) return gen;
  return () => (Math.random() < nullRate ? null : gen());
}

function sequenceGen(where: string, type: SqlType, o: FlinkFieldOptions, sequences: number[]): Gen {
  for (const k of ['min', 'max', 'max-past', 'length', 'var-len']) {
    if (o[k] !== undefined) fail(where, `'${k}' is an option of the random generator, not of 'kind' = 'sequence'`);
  }
  if (o['start'] === undefined || o['end'] === undefined) fail(where, `a sequence needs both 'start' and 'end'`);
  const integral = type.kind === 'INT' || type.kind === 'BIGINT' || type.kind === 'STRING';
  if (integral) {
    const start = int(where, o['start'], 'start')!;
    const end = int(where, o['end'], 'end')!;
    if (end < start) fail(where, `'end' (${end}) is below 'start' (${start})`);
    if (type.kind === 'INT' && (start < BigInt(INT_RANGE[0]) || end > BigInt(INT_RANGE[1]))) fail(where, `a sequence of an INT column must stay within ${INT_RANGE[0]}..${INT_RANGE[1]}`);
    sequences.push(Number(end - start + 1n));
    let next = start;
    if (type.kind === 'STRING') return () => String(next++);
    return () => canonicalInt64(next++);
  }
  if (type.kind === 'DOUBLE' || type.kind === 'FLOAT' || type.kind === 'DECIMAL') {
    const start = num(where, o['start'], 'start')!;
    const end = num(where, o['end'], 'end')!;
    if (end < start) fail(where, `'end' (${end}) is below 'start' (${start})`);
    sequences.push(Math.floor(end - start) + 1);
    let next = start;
    if (type.kind === 'DECIMAL') return () => decimalOf(next++, type.precision, type.scale);
    return () => next++;
  }
  return fail(where, `'kind' = 'sequence' is for numeric and string columns, not ${type.kind}`);
}

function decimalOf(n: number, precision: number, scale: number): Decimal | null {
  const d = parseDecimal(n.toFixed(Math.min(scale, 20)));
  return d === null ? null : fitDecimal(d, precision, scale);
}

function randomGen(where: string, type: SqlType, o: FlinkFieldOptions): Gen {
  for (const k of ['start', 'end']) if (o[k] !== undefined) fail(where, `'${k}' is an option of 'kind' = 'sequence'`);
  const length = (dflt: number): number => {
    const l = int(where, o['length'], 'length');
    if (l !== undefined && l < 0n) fail(where, `'length' must be 0 or more, found ${l}`);
    return l === undefined ? dflt : Number(l);
  };
  const varLen = (o['var-len'] ?? 'false').trim().toLowerCase();
  if (varLen !== 'true' && varLen !== 'false') fail(where, `'var-len' expects true or false, found '${o['var-len']}'`);
  const lengthOf = (max: number): (() => number) => (varLen === 'true' ? () => 1 + Math.floor(Math.random() * Math.max(1, max)) : () => max);
  const range = <N>(lo: N, hi: N, parse: (v: string | undefined, what: string) => N | undefined): [N, N] => {
    const min = parse(o['min'], 'min') ?? lo;
    const max = parse(o['max'], 'max') ?? hi;
    if (max < min) fail(where, `'max' (${String(max)}) is below 'min' (${String(min)})`);
    return [min, max];
  };
  const bigint = (v: string | undefined, what: string) => int(where, v, what);
  const number = (v: string | undefined, what: string) => num(where, v, what);
  switch (type.kind) {
    case 'BOOLEAN':
      return () => Math.random() < 0.5;
    case 'INT': {
      const [lo, hi] = range(BigInt(INT_RANGE[0]), BigInt(INT_RANGE[1]), bigint);
      if (lo < BigInt(INT_RANGE[0]) || hi > BigInt(INT_RANGE[1])) fail(where, `'min'/'max' of an INT column must stay within ${INT_RANGE[0]}..${INT_RANGE[1]}`);
      const [l, h] = [Number(lo), Number(hi)];
      return () => l + Math.floor(Math.random() * (h - l + 1));
    }
    case 'BIGINT': {
      const [lo, hi] = range(LONG_RANGE[0], LONG_RANGE[1], bigint);
      return () => canonicalInt64(randomBigInt(lo, hi));
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const top = type.kind === 'FLOAT' ? FLOAT_MAX : DOUBLE_RANGE[1];
      const [lo, hi] = range(-top, top, number);
      // (hi - lo) overflows for the whole double range: scale both ends instead.
      return () => {
        const r = Math.random();
        return lo * (1 - r) + hi * r;
      };
    }
    case 'DECIMAL': {
      const top = 10 ** (type.precision - type.scale) - 10 ** -type.scale;
      const [lo, hi] = range(-top, top, number);
      return () => decimalOf(lo + Math.random() * (hi - lo), type.precision, type.scale);
    }
    case 'STRING': {
      const len = lengthOf(length(100));
      return () => {
        let s = '';
        for (let i = len(); i > 0; i--) s += HEX[Math.floor(Math.random() * 16)];
        return s;
      };
    }
    case 'BYTES': {
      const len = lengthOf(length(100));
      return () => Uint8Array.from({ length: len() }, () => Math.floor(Math.random() * 256));
    }
    case 'TIMESTAMP': {
      const maxPast = o['max-past'] === undefined ? 0 : flinkDurationMs(where, o['max-past']);
      return () => Date.now() - Math.floor(Math.random() * (maxPast + 1));
    }
    case 'ARRAY': {
      const n = length(3);
      const el = randomGen(`${where} (element)`, type.element, {});
      return () => Array.from({ length: n }, el);
    }
    case 'MAP': {
      const n = length(3);
      const k = randomGen(`${where} (key)`, type.key, {});
      const v = randomGen(`${where} (value)`, type.value, {});
      return () => {
        const m = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) m.set(k(), v());
        return m;
      };
    }
    case 'ROW': {
      const fields = type.fields.map((f) => [f.name, randomGen(`${where}.${f.name}`, f.type, {})] as const);
      return () => {
        const r: Record<string, unknown> = {};
        for (const [name, g] of fields) r[name] = g();
        return r;
      };
    }
    case 'NULL':
      return () => null;
    case 'ANY':
      return () => Math.floor(Math.random() * 1000);
  }
}

/**
 * What is wrong with one column's options whatever its type (an unknown option, a bad `kind`, a sequence
 * without both ends, a value that is not a number, `max` below `min`), or undefined. Returns the option at
 * fault too, so a SQL script can point at it.
 */
export function fieldOptionsProblem(o: FlinkFieldOptions): { option: string; message: string } | undefined {
  for (const k of Object.keys(o)) {
    if (!(FLINK_FIELD_OPTIONS as readonly string[]).includes(k)) return { option: k, message: `unknown option; a column takes ${FLINK_FIELD_OPTIONS.join(', ')}` };
  }
  const kind = (o['kind'] ?? 'random').toLowerCase();
  if (kind !== 'random' && kind !== 'sequence') return { option: 'kind', message: `'${o['kind']}' is not supported; use 'random' or 'sequence'` };
  if (kind === 'sequence' && (o['start'] === undefined || o['end'] === undefined)) return { option: 'kind', message: `a sequence needs both 'start' and 'end'` };
  for (const k of ['min', 'max', 'start', 'end', 'null-rate']) {
    const v = o[k];
    if (v !== undefined && (v.trim() === '' || !Number.isFinite(Number(v)))) return { option: k, message: `expects a number, found '${v}'` };
  }
  for (const [lo, hi] of [['min', 'max'], ['start', 'end']] as const) {
    if (o[lo] !== undefined && o[hi] !== undefined && Number(o[hi]) < Number(o[lo])) return { option: hi, message: `${o[hi]} is below '${lo}' (${o[lo]})` };
  }
  const rate = o['null-rate'];
  if (rate !== undefined && (Number(rate) < 0 || Number(rate) > 1)) return { option: 'null-rate', message: `must be between 0 and 1, found ${rate}` };
  return undefined;
}

/**
 * A generator for `schema` with Flink's rules; `fields` holds each column's options by column name. A column
 * named in `fields` that the table lacks, or an option Flink does not know, is a user error naming both.
 * `rowtimeSource`: when the table's rowtime column is fed from another column (Dagger's layout), its name.
 */
export function createFlinkRowGenerator(schema: TableSchema, fields: Readonly<Record<string, FlinkFieldOptions>>, prefix: string, rowtimeSource?: string): FlinkRowGenerator {
  const names = schema.columns.map((c) => c.name);
  for (const [column, options] of Object.entries(fields)) {
    if (!names.some((n) => n.toLowerCase() === column.toLowerCase())) fail(`${prefix}.${column}`, `the table ${schema.name} has no column ${column} (columns: ${names.join(', ')})`);
    const problem = fieldOptionsProblem(options);
    if (problem) fail(`${prefix}.${column}.${problem.option}`, problem.message);
  }
  const optionsOf = (c: Field): FlinkFieldOptions => Object.entries(fields).find(([n]) => n.toLowerCase() === c.name.toLowerCase())?.[1] ?? {};
  const sequences: number[] = [];
  const sourceIndex = rowtimeSource === undefined ? -1 : names.indexOf(rowtimeSource);
  const gens = schema.columns.map((c, i) =>
    i === schema.rowtimeIndex && sourceIndex >= 0 && sourceIndex !== i ? undefined : fieldGen(`${prefix}.${c.name}`, c.type, optionsOf(c), c.nullable !== false, sequences),
  );
  const width = gens.length;
  return {
    limit: sequences.length === 0 ? Infinity : Math.min(...sequences),
    next(): Row {
      const row: Row = new Array<unknown>(width);
      for (let c = 0; c < width; c++) {
        const g = gens[c];
        if (g) row[c] = g();
      }
      if (sourceIndex >= 0 && schema.rowtimeIndex !== undefined && sourceIndex !== schema.rowtimeIndex) row[schema.rowtimeIndex] = row[sourceIndex];
      return row;
    },
  };
}
