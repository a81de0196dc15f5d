import { T, canonicalInt64, type SqlType } from '../../core/types.js';
import { Decimal, decimalFloorCeil, decimalNegate, decimalRemainder, decimalRound, pow10, rescale, toDecimal } from '../../core/decimal.js';
import type { ScalarFunctionDef } from '../../udf/api.js';
import { argType, builtin, ex, fail, scaleDouble, scaleInteger, sig, toInt, utf8 } from './util.js';

/**
 * Numeric functions. INT/FLOAT/DOUBLE values are JS numbers; BIGINT may be a bigint beyond 2^53 and stays
 * exact through ABS, SIGN, MOD, ROUND, TRUNCATE, CEIL, FLOOR. DECIMAL values are exact (core/decimal.ts) through
 * ABS, CEIL, FLOOR, ROUND, TRUNCATE and MOD (`exactDecimals`); the other functions take them as doubles.
 */

const N = 'NUMERIC';
const D = 'DOUBLE';

const doubleFn = (name: string, f: (x: number) => number, examples: ScalarFunctionDef['examples'], description?: string) =>
  builtin({
    name,
    ...(description === undefined ? {} : { description }),
    signatures: [sig([D], D)],
    eval: (x: number | bigint) => f(Number(x)),
    examples: examples ?? [],
  });

/** CEIL/FLOOR of DECIMAL(p, s) is DECIMAL(p - s + 1, 0) in Flink; integers and floating types keep their type. */
function ceilFloorType(ts: readonly SqlType[]): SqlType {
  const t = ts[0] ?? T.NULL;
  if (t.kind === 'DECIMAL') return T.decimal(Math.min(38, t.precision - t.scale + 1), 0);
  return t.kind === 'NULL' ? T.DOUBLE : t;
}

/** ROUND / TRUNCATE of an exact DECIMAL: to `digits` places (negative: tens, hundreds), keeping the scale. */
function roundDecimalValue(x: Decimal, digits: number, mode: 'HALF_UP' | 'DOWN'): Decimal {
  if (mode === 'HALF_UP') return decimalRound(x, digits, x.scale);
  if (digits >= x.scale) return x;
  const f = pow10(x.scale - digits);
  const q = x.unscaled / f; // bigint division truncates toward zero
  return digits >= 0 ? rescale(new Decimal(q, digits), x.scale) : rescale(new Decimal(q * pow10(-digits), 0), x.scale);
}

function roundLike(mode: 'HALF_UP' | 'DOWN') {
  return (x: number | bigint | Decimal, d?: number | bigint): number | bigint | Decimal => {
    const scale = d === undefined ? 0 : toInt(d);
    if (x instanceof Decimal) return roundDecimalValue(x, scale, mode);
    if (typeof x === 'bigint') return scaleInteger(x, scale, mode);
    if (Number.isInteger(x)) return scale >= 0 ? x : scaleInteger(x, scale, mode);
    return scaleDouble(x, scale, mode);
  };
}

const round = roundLike('HALF_UP');
const truncate = roundLike('DOWN');

/** Java's remainder (sign of the dividend); integer division by zero is an error as in Flink. */
function mod(a: number | bigint | Decimal, b: number | bigint | Decimal): number | bigint | Decimal {
  // the result has the divisor's type: exact when that is a DECIMAL
  if (b instanceof Decimal) {
    const r = decimalRemainder(toDecimal(a)!, b);
    if (r === null) fail('MOD: division by zero');
    return r!;
  }
  if (a instanceof Decimal) a = Number(a);
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    if (Number.isInteger(a) || typeof a === 'bigint') {
      const bb = BigInt(b);
      if (bb === 0n) fail('MOD: division by zero');
      return canonicalInt64(BigInt(a) % bb);
    }
    return Number(a) % Number(b);
  }
  if (b === 0 && Number.isInteger(a)) fail('MOD: division by zero');
  return a % b;
}

// java.util.Random, so RAND(seed) / RAND_INTEGER(seed, n) give Flink's sequences for a seed.
const MULT = 0x5deece66dn;
const MASK = (1n << 48n) - 1n;

export class JavaRandom {
  private seed: bigint;
  constructor(seed: number | bigint) {
    this.seed = (BigInt.asIntN(64, BigInt(seed)) ^ MULT) & MASK;
  }
  private next(bits: number): number {
    this.seed = (this.seed * MULT + 0xbn) & MASK;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }
  nextDouble(): number {
    return (this.next(26) * 134217728 + this.next(27)) * 2 ** -53;
  }
  nextInt(bound: number): number {
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(this.next(31))) >> 31n);
    let bits: number;
    let val: number;
    do {
      bits = this.next(31);
      val = bits % bound;
    } while (((bits - val + (bound - 1)) | 0) < 0);
    return val;
  }
}

// Flink keeps one generator per call site; a shared eval cannot see call sites, so calls with the same seed share
// one generator (per process). Bounded so that per-row seeds cannot leak memory.
const seeded = new Map<string, JavaRandom>();
function generator(seed: number | bigint): JavaRandom {
  const key = String(seed);
  let g = seeded.get(key);
  if (g === undefined) {
    if (seeded.size >= 1024) seeded.clear();
    g = new JavaRandom(seed);
    seeded.set(key, g);
  }
  return g;
}

function checkBound(n: number | bigint): number {
  const b = toInt(n);
  if (!(b > 0)) fail(`RAND_INTEGER: bound must be positive, got ${b}`);
  return b;
}

const toLong = (x: number | bigint): bigint => (typeof x === 'bigint' ? x : BigInt(Math.trunc(x)));

export const mathFunctions: readonly ScalarFunctionDef[] = [
  builtin({
    name: 'ABS',
    signatures: [sig([N], argType(0))],
    exactDecimals: true,
    eval: (x: number | bigint | Decimal) =>
      x instanceof Decimal ? (x.unscaled < 0n ? decimalNegate(x) : x) : typeof x === 'bigint' ? canonicalInt64(x < 0n ? -x : x) : Math.abs(x),
    examples: [ex([-5], 5), ex([2.5], 2.5), ex([-9007199254740993n], 9007199254740993n)],
  }),
  ...['CEIL', 'CEILING'].map((name) =>
    builtin({
      name,
      signatures: [sig([N], ceilFloorType)],
      exactDecimals: true,
      eval: (x: number | bigint | Decimal) => (x instanceof Decimal ? decimalFloorCeil(x, true) : typeof x === 'bigint' ? x : Math.ceil(x)),
      examples: [ex([1.2], 2), ex([-1.2], -1), ex([7], 7)],
    }),
  ),
  builtin({
    name: 'FLOOR',
    signatures: [sig([N], ceilFloorType)],
    exactDecimals: true,
    eval: (x: number | bigint | Decimal) => (x instanceof Decimal ? decimalFloorCeil(x, false) : typeof x === 'bigint' ? x : Math.floor(x)),
    examples: [ex([1.7], 1), ex([-1.2], -2), ex([7], 7)],
  }),
  builtin({
    name: 'ROUND',
    description: 'Rounds HALF_UP (away from zero at .5) to d decimal places (default 0) on the decimal value, as Java BigDecimal does. Of DECIMAL(p, s) with a literal d < s the result is DECIMAL(1 + p - s + d, d), as Flink.',
    signatures: [sig([N], argType(0)), sig([N, 'INT'], argType(0))],
    exactDecimals: true,
    eval: round,
    examples: [
      ex([2.5], 3),
      ex([-2.5], -3),
      ex([2.675, 2], 2.68),
      ex([1.005, 2], 1.01),
      ex([1234.5678, -2], 1200),
      ex([1250, -2], 1300),
      ex([-1250, -2], -1300),
      ex([0.4, 0], 0),
      ex([9007199254740993n, -1], 9007199254740990), ex([12345678901234567891n, -1], 12345678901234567890n),
    ],
  }),
  builtin({
    name: 'TRUNCATE',
    description: 'Truncates toward zero to d decimal places (default 0); of DECIMAL(p, s) with a literal d < s the result is DECIMAL(1 + p - s + d, d), as ROUND.',
    signatures: [sig([N], argType(0)), sig([N, 'INT'], argType(0))],
    exactDecimals: true,
    eval: truncate,
    examples: [ex([42.345, 2], 42.34), ex([-42.345, 2], -42.34), ex([42.9], 42), ex([1299, -2], 1200), ex([-1299, -2], -1200)],
  }),
  ...['POWER', 'POW'].map((name) =>
    builtin({
      name,
      signatures: [sig([D, D], D)],
      eval: (x: number | bigint, y: number | bigint) => Math.pow(Number(x), Number(y)),
      examples: [ex([2, 10], 1024), ex([4, 0.5], 2)],
    }),
  ),
  doubleFn('SQRT', Math.sqrt, [ex([16], 4), ex([-1], NaN)]),
  doubleFn('EXP', Math.exp, [ex([0], 1)]),
  doubleFn('LN', Math.log, [ex([1], 0), ex([0], -Infinity)]),
  doubleFn('LOG10', Math.log10, [ex([1000], 3)]),
  doubleFn('LOG2', (x) => Math.log(x) / Math.LN2, [ex([8], 3)]),
  builtin({
    name: 'LOG',
    description: 'LOG(x) is the natural logarithm; LOG(b, x) the logarithm of x in base b.',
    signatures: [sig([D], D), sig([D, D], D)],
    eval: (a: number | bigint, b?: number | bigint) =>
      b === undefined ? Math.log(Number(a)) : Math.log(Number(b)) / Math.log(Number(a)),
    examples: [ex([1], 0), ex([2, 8], 3), ex([10, 100], 2)],
  }),
  builtin({
    name: 'MOD',
    description: 'Remainder with the sign of the dividend (MOD(-7, 3) = -1); integer division by zero is an error.',
    signatures: [sig([N, N], argType(1))],
    exactDecimals: true,
    eval: mod,
    examples: [ex([7, 3], 1), ex([-7, 3], -1), ex([7, -3], 1), ex([9007199254740993n, 10], 3)],
  }),
  builtin({
    name: 'SIGN',
    signatures: [sig([N], argType(0))],
    eval: (x: number | bigint) => (typeof x === 'bigint' ? (x < 0n ? -1 : x > 0n ? 1 : 0) : x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
    examples: [ex([-4.2], -1), ex([0], 0), ex([3], 1), ex([-9007199254740993n], -1)],
  }),
  builtin({ name: 'PI', signatures: [sig([], D)], eval: () => Math.PI, examples: [ex([], Math.PI)] }),
  builtin({ name: 'E', signatures: [sig([], D)], eval: () => Math.E, examples: [ex([], Math.E)] }),
  builtin({
    name: 'RAND',
    description: 'A pseudo-random double in [0, 1); with a seed, the sequence of java.util.Random(seed).',
    signatures: [sig([], D), sig(['INT'], D)],
    deterministic: false,
    nullOnNullInput: false,
    eval: (seed?: number | bigint | null) =>
      seed === undefined ? Math.random() : generator(seed ?? 0).nextDouble(),
  }),
  builtin({
    name: 'RAND_INTEGER',
    description: 'A pseudo-random integer in [0, n); RAND_INTEGER(seed, n) uses java.util.Random(seed).',
    signatures: [sig(['INT'], 'INT'), sig(['INT', 'INT'], 'INT')],
    deterministic: false,
    eval: (a: number | bigint, b?: number | bigint) => {
      if (b === undefined) return Math.floor(Math.random() * checkBound(a));
      return generator(a).nextInt(checkBound(b));
    },
  }),
  doubleFn('DEGREES', (x) => (x * 180) / Math.PI, [ex([Math.PI], 180)]),
  doubleFn('RADIANS', (x) => (x / 180) * Math.PI, [ex([180], Math.PI)]),
  doubleFn('SIN', Math.sin, [ex([0], 0)]),
  doubleFn('COS', Math.cos, [ex([0], 1)]),
  doubleFn('TAN', Math.tan, [ex([0], 0)]),
  doubleFn('COT', (x) => 1 / Math.tan(x), [ex([Math.PI / 4], 1 / Math.tan(Math.PI / 4))]),
  doubleFn('ASIN', Math.asin, [ex([1], Math.PI / 2), ex([2], NaN)]),
  doubleFn('ACOS', Math.acos, [ex([1], 0)]),
  doubleFn('ATAN', Math.atan, [ex([0], 0)]),
  doubleFn('SINH', Math.sinh, [ex([0], 0)]),
  doubleFn('COSH', Math.cosh, [ex([0], 1)]),
  doubleFn('TANH', Math.tanh, [ex([0], 0)]),
  builtin({
    name: 'ATAN2',
    signatures: [sig([D, D], D)],
    eval: (y: number | bigint, x: number | bigint) => Math.atan2(Number(y), Number(x)),
    examples: [ex([1, 1], Math.PI / 4)],
  }),
  builtin({
    name: 'BIN',
    description: "Binary digits of a BIGINT (two's complement for negatives, as Long.toBinaryString).",
    signatures: [sig(['BIGINT'], 'STRING')],
    eval: (x: number | bigint) => BigInt.asUintN(64, toLong(x)).toString(2),
    examples: [ex([4], '100'), ex([12], '1100'), ex([-1], '1'.repeat(64))],
  }),
  builtin({
    name: 'HEX',
    description: "Upper-case hex of an integer (two's complement for negatives) or of a string's UTF-8 bytes.",
    signatures: [sig(['BIGINT'], 'STRING'), sig(['STRING'], 'STRING')],
    eval: (x: number | bigint | string) =>
      typeof x === 'string' ? utf8(x).toString('hex').toUpperCase() : BigInt.asUintN(64, toLong(x)).toString(16).toUpperCase(),
    examples: [ex([20], '14'), ex([100], '64'), ex(['hello,world'], '68656C6C6F2C776F726C64'), ex([-1], 'FFFFFFFFFFFFFFFF')],
  }),
];
