import { DirkError, positionText, type SourcePosition } from '../../core/errors.js';
import { canonicalInt64, formatTimestamp } from '../../core/types.js';
import {
  Decimal,
  decimalAdd,
  decimalDivide,
  decimalMultiply,
  decimalNegate,
  decimalRemainder,
  decimalTruncate,
  fitDecimal,
  rescale,
  toDecimal,
} from '../../core/decimal.js';
import { addInt, formatValue, MAX_SAFE, roundDecimal, sqlCmp, sqlEq, sqlStr, subInt, wrap64 } from '../../core/value-ops.js';

/**
 * Helpers that compiled expressions call. They implement SQL semantics on the runtime value model
 * (core/types.ts); NULL checks happen in the generated code before these are reached, unless noted.
 */

function bigOrNumber(v: number | bigint): number | bigint {
  return typeof v === 'bigint' ? canonicalInt64(v) : v;
}

export const L = {
  addInt,
  subInt,
  roundDecimal,
  eq: sqlEq,
  cmp: sqlCmp,
  str: sqlStr,
  mulInt(a: number | bigint, b: number | bigint): number | bigint {
    if (typeof a === 'number' && typeof b === 'number') {
      const s = a * b;
      if (s <= MAX_SAFE && s >= -MAX_SAFE) return s;
    }
    return wrap64(BigInt(a) * BigInt(b));
  },
  /** `pos` (a plan-time constant) is where the division is written, for the error. */
  divInt(a: number | bigint, b: number | bigint, pos?: SourcePosition): number | bigint {
    if (b === 0 || b === 0n) throw runtimeError('division by zero', pos);
    if (typeof a === 'number' && typeof b === 'number') return Math.trunc(a / b);
    return wrap64(BigInt(a) / BigInt(b));
  },
  modInt(a: number | bigint, b: number | bigint, pos?: SourcePosition): number | bigint {
    if (b === 0 || b === 0n) throw runtimeError('division by zero', pos);
    if (typeof a === 'number' && typeof b === 'number') return a % b;
    return canonicalInt64(BigInt(a) % BigInt(b));
  },
  negInt(a: number | bigint): number | bigint {
    return typeof a === 'bigint' ? wrap64(-a) : -a;
  },
  /** Java's Double.toString: 7.0, 1.0E20, 1.0E-4. */
  doubleToString(x: number): string {
    if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
    const abs = Math.abs(x);
    if (abs === 0 || (abs >= 1e-3 && abs < 1e7)) {
      const s = String(x);
      return s.includes('.') ? s : `${Object.is(x, -0) ? '-0' : s}.0`;
    }
    const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
  },
  decimalToString(x: number | Decimal, scale: number): string {
    if (x instanceof Decimal) return rescale(x, scale).toString();
    return Number.isFinite(x) ? x.toFixed(scale) : String(x);
  },
  /** DECIMAL + - * / %: exact, HALF_UP to `scale`, NULL when the result needs more than `precision` digits. */
  decimalOp(op: string, a: unknown, b: unknown, precision: number, scale: number, pos?: SourcePosition): Decimal | null {
    const x = toDecimal(a);
    const y = toDecimal(b);
    if (x === null || y === null) return null;
    let r: Decimal | null;
    switch (op) {
      case '+':
        r = decimalAdd(x, y);
        break;
      case '-':
        r = decimalAdd(x, decimalNegate(y));
        break;
      case '*':
        r = decimalMultiply(x, y);
        break;
      case '/':
        r = decimalDivide(x, y, scale);
        if (r === null) throw runtimeError('division by zero', pos);
        break;
      default:
        r = decimalRemainder(x, y);
        if (r === null) throw runtimeError('division by zero', pos);
    }
    return fitDecimal(r, precision, scale);
  },
  decimalNeg(a: unknown): Decimal | null {
    const x = toDecimal(a);
    return x === null ? null : decimalNegate(x);
  },
  timestampToString(ms: number, precision: number): string {
    const iso = formatTimestamp(ms);
    return precision <= 0 ? iso.slice(0, 19) : iso.slice(0, 20 + Math.min(precision, 3)).padEnd(20 + precision, '0');
  },
  num(a: number | bigint | Decimal): number {
    return typeof a === 'number' ? a : Number(a);
  },
  arrayAt(a: unknown, i: unknown): unknown {
    if (!Array.isArray(a)) return null;
    const k = Number(i);
    const v = a[k - 1];
    return v === undefined ? null : v;
  },
  mapGet(m: unknown, k: unknown): unknown {
    if (m instanceof Map) {
      const v = m.get(k);
      if (v !== undefined) return v;
      if (typeof k === 'number' || typeof k === 'bigint') {
        for (const [key, val] of m) if (L.eq(key, k)) return val;
      }
      return null;
    }
    if (m !== null && typeof m === 'object') {
      const v = (m as Record<string, unknown>)[String(k)];
      return v === undefined ? null : v;
    }
    return null;
  },
  field(o: unknown, name: string): unknown {
    if (o === null || o === undefined || typeof o !== 'object') return null;
    const v = (o as Record<string, unknown>)[name];
    return v === undefined ? null : v;
  },
  makeMap(items: unknown[]): Map<unknown, unknown> {
    const m = new Map<unknown, unknown>();
    for (let i = 0; i + 1 < items.length; i += 2) m.set(items[i], items[i + 1]);
    return m;
  },
  makeRow(names: string[], items: unknown[]): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    names.forEach((n, i) => (o[n] = items[i]));
    return o;
  },
  // ---- casts: value is never null here; `safe` (TRY_CAST) turns failures into null; `pos` names the CAST
  castInt(v: unknown, safe: boolean, pos?: SourcePosition): number | null {
    if (v instanceof Decimal) return Number(BigInt.asIntN(32, decimalTruncate(v)));
    const n = toNumber(v);
    if (n === null || !Number.isFinite(n)) return castFail(v, 'INT', safe, pos);
    // A string out of INT range is an error (Flink parses it); a number narrows like Java's (int) cast.
    if (typeof v === 'string' && (n >= 2147483648 || n < -2147483648)) return castFail(v, 'INT', safe, pos);
    return Math.trunc(n) | 0;
  },
  castBigint(v: unknown, safe: boolean, pos?: SourcePosition): number | bigint | null {
    if (typeof v === 'bigint') return v;
    if (v instanceof Decimal) return wrap64(decimalTruncate(v));
    if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return canonicalInt64(BigInt(v.trim()));
    const n = toNumber(v);
    if (n === null || !Number.isFinite(n)) return castFail(v, 'BIGINT', safe, pos);
    return bigOrNumber(Math.trunc(n));
  },
  castDouble(v: unknown, safe: boolean, pos?: SourcePosition): number | null {
    const n = toNumber(v);
    if (n === null) return castFail(v, 'DOUBLE', safe, pos);
    return n;
  },
  /** Exact; rounded HALF_UP to the scale; NULL when the value needs more digits than the precision (as Flink). */
  castDecimal(v: unknown, safe: boolean, precision: number, scale: number, pos?: SourcePosition): Decimal | null {
    const d = typeof v === 'string' ? toDecimal(v.trim()) : toDecimal(v);
    if (d === null) return castFail(v, `DECIMAL(${precision}, ${scale})`, safe, pos);
    return fitDecimal(d, precision, scale);
  },
  castBoolean(v: unknown, safe: boolean, pos?: SourcePosition): boolean | null {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number' || typeof v === 'bigint') return v != 0;
    if (v instanceof Decimal) return v.unscaled !== 0n;
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (s === 'true' || s === '1') return true;
      if (s === 'false' || s === '0') return false;
    }
    return castFail(v, 'BOOLEAN', safe, pos);
  },
  castString(v: unknown): string {
    return L.str(v);
  },
  castTimestamp(v: unknown, safe: boolean, pos?: SourcePosition): number | null {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'string') {
      const t = parseTimestamp(v);
      if (t !== null) return t;
    }
    return castFail(v, 'TIMESTAMP', safe, pos);
  },
  castBytes(v: unknown, safe: boolean, pos?: SourcePosition): Uint8Array | null {
    if (v instanceof Uint8Array) return v;
    if (typeof v === 'string') return Buffer.from(v, 'utf8');
    return castFail(v, 'BYTES', safe, pos);
  },
  likeToRegExp(pattern: string, escape: string | null, similar: boolean): RegExp {
    let out = '';
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i]!;
      if (escape !== null && ch === escape && i + 1 < pattern.length) {
        out += escapeRe(pattern[++i]!);
      } else if (ch === '%') out += '[\\s\\S]*';
      else if (ch === '_') out += '[\\s\\S]';
      else if (similar && '|()[]*+?{}'.includes(ch)) out += ch;
      else out += escapeRe(ch);
    }
    return new RegExp(`^${out}$`);
  },
  likeDynamic(s: string, pattern: string, escape: string | null, similar: boolean): boolean {
    let re = likeCache.get(pattern);
    if (!re) {
      re = L.likeToRegExp(pattern, escape, similar);
      if (likeCache.size > 1000) likeCache.clear();
      likeCache.set(pattern, re);
    }
    return re.test(s);
  },
  parseTimestamp,
};

const likeCache = new Map<string, RegExp>();

function escapeRe(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || v instanceof Decimal) return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return null;
    const n = Number(s);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

function castFail(v: unknown, to: string, safe: boolean, pos: SourcePosition | undefined): null {
  if (safe) return null;
  throw runtimeError(`cannot CAST ${formatValue(v)} AS ${to} (use TRY_CAST to get NULL instead)`, pos);
}

/** A failure of an expression over a record: bad data (user), named by the expression's place in the query. */
function runtimeError(message: string, pos: SourcePosition | undefined): DirkError {
  return pos ? new DirkError(`${positionText(pos)}: ${message}`, { domain: 'user', position: pos }) : new DirkError(message, { domain: 'user' });
}

/** 'yyyy-MM-dd HH:mm:ss[.SSS]' or ISO-8601, read as UTC. */
export function parseTimestamp(s: string): number | null {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/.exec(s);
  if (!m) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
  const tz = m[8];
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isNaN(t) ? null : t;
}

/** SQL-ish text of a value, used by CAST to STRING, || and the log sink. */

export type RuntimeLib = typeof L;
