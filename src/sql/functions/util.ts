import { userError } from '../../core/errors.js';
import { T, canonicalInt64, type SqlType } from '../../core/types.js';
import { defineScalar, type FunctionExample, type ScalarFunctionDef, type Signature, type TypeName } from '../../udf/api.js';

/**
 * Shared helpers for the built-in function library. Built-ins are declared with the public UDF API
 * (`defineScalar`); `builtin` only loosens the parameter typing so one def can carry several overloads
 * whose bodies check the JS value types themselves.
 */

export type ReturnSpec = TypeName | ((argTypes: readonly SqlType[]) => SqlType);

export interface BuiltinSpec {
  readonly name: string;
  readonly description?: string;
  readonly signatures: readonly Signature[];
  // Bodies receive SQL NULL as null; with nullOnNullInput (the default) they never see it.
  readonly eval: (...args: any[]) => unknown;
  readonly nullOnNullInput?: boolean;
  readonly exactDecimals?: boolean;
  readonly deterministic?: boolean;
  readonly examples?: readonly FunctionExample[];
}

export function builtin(spec: BuiltinSpec): ScalarFunctionDef {
  return defineScalar(spec as unknown as Parameters<typeof defineScalar>[0]);
}

export function sig(params: readonly TypeName[], returns: ReturnSpec, varargs = false): Signature {
  return varargs ? { params, returns, varargs: true } : { params, returns };
}

export function ex(args: readonly unknown[], result: unknown, sql?: string): FunctionExample {
  return sql === undefined ? { args, result } : { args, result, sql };
}

/** The type of argument `i` (for functions whose result type is their input type). */
export const argType =
  (i = 0) =>
  (ts: readonly SqlType[]): SqlType =>
    ts[i] ?? T.NULL;

const NUMERIC_RANK: Readonly<Record<string, number>> = { INT: 1, BIGINT: 2, DECIMAL: 3, FLOAT: 4, DOUBLE: 5 };

/** The least common type of several argument types (numeric widening, NULL ignored), as GREATEST/COALESCE need. */
export function commonType(ts: readonly SqlType[]): SqlType {
  let best: SqlType | undefined;
  for (const t of ts) {
    if (t.kind === 'NULL') continue;
    if (best === undefined) {
      best = t;
      continue;
    }
    const a = NUMERIC_RANK[best.kind];
    const b = NUMERIC_RANK[t.kind];
    if (a !== undefined && b !== undefined) {
      if (best.kind === 'DECIMAL' && t.kind === 'DECIMAL') {
        const scale = Math.max(best.scale, t.scale);
        const intDigits = Math.max(best.precision - best.scale, t.precision - t.scale);
        best = T.decimal(Math.min(38, intDigits + scale), scale);
      } else if (b > a) best = t;
    } else if (best.kind === 'ANY') best = t;
  }
  return best ?? T.NULL;
}

/** A small FIFO-bounded cache, so patterns built per row cannot grow memory without limit. */
export class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max = 256) {}

  get(key: string, make: (key: string) => V): V {
    let v = this.map.get(key);
    if (v === undefined && !this.map.has(key)) {
      v = make(key);
      if (this.map.size >= this.max) {
        const oldest = this.map.keys().next();
        if (!oldest.done) this.map.delete(oldest.value);
      }
      this.map.set(key, v);
    }
    return v as V;
  }
}

// ---- strings: Flink counts characters as code points (BinaryStringData), JS as UTF-16 units ----

const SURROGATE = /[\uD800-\uDFFF]/;

export function hasSurrogates(s: string): boolean {
  return SURROGATE.test(s);
}

export function codePointLength(s: string): number {
  if (!hasSurrogates(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Slice by code point indices [start, end). */
export function sliceCodePoints(s: string, start: number, end: number): string {
  if (!hasSurrogates(s)) return s.slice(start, end);
  return Array.from(s).slice(start, end).join('');
}

/** Flink's substringSQL: 1-based, negative start counts from the end, negative length gives NULL. */
export function substringSql(s: string, pos: number, length: number): string | null {
  if (length < 0) return null;
  if (s.length === 0) return '';
  const n = codePointLength(s);
  let start: number;
  if (pos > 0) {
    start = pos - 1;
    if (start >= n) return '';
  } else if (pos < 0) {
    start = n + pos;
    if (start < 0) return '';
  } else start = 0;
  const end = n - start < length ? n : start + length;
  return sliceCodePoints(s, start, end);
}

export function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** Java String.hashCode over UTF-16 units, as a signed 32-bit int. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

// ---- numbers ----

/** Java's Double.toString spelling (1.0, 1.0E7, 1.0E-4), used where Flink turns a double into text. */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mant = '0', exp = '0'] = d.toExponential().split('e');
  return `${mant.includes('.') ? mant : `${mant}.0`}E${Number(exp)}`;
}

/**
 * Round or truncate a double at `scale` decimal places the way Flink does: BigDecimal.valueOf(x) (the shortest
 * decimal spelling, not the binary value) then setScale with HALF_UP or DOWN. So ROUND(2.675, 2) = 2.68.
 */
export function scaleDouble(x: number, scale: number, mode: 'HALF_UP' | 'DOWN'): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const neg = x < 0;
  const [mant = '0', e = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const keep = Number(e) + 1 + scale; // leading digits that survive
  if (keep >= digits.length) return x;
  let n = keep > 0 ? BigInt(digits.slice(0, keep)) : 0n;
  if (mode === 'HALF_UP' && keep >= 0 && digits.charCodeAt(keep) >= 53 /* '5' */) n += 1n;
  if (n === 0n) return 0;
  const r = Number(`${n}e${-scale}`);
  return neg ? -r : r;
}

/** The same for an exact integer (INT/BIGINT) with a negative scale: ROUND(1250, -2) = 1300. */
export function scaleInteger(v: number | bigint, scale: number, mode: 'HALF_UP' | 'DOWN'): number | bigint {
  if (scale >= 0) return v;
  if (typeof v === 'number' && !Number.isSafeInteger(v)) return scaleDouble(v, scale, mode);
  const b = BigInt(v);
  const p = 10n ** BigInt(-scale);
  let q = b / p;
  const r = b % p;
  if (mode === 'HALF_UP' && (r < 0n ? -r : r) * 2n >= p) q += b < 0n ? -1n : 1n;
  return canonicalInt64(q * p);
}

export function toInt(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

// ---- values ----

/** SQL equality of two runtime values, deep for arrays, maps and rows; numbers and bigints compare by value. */
export function sqlEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'number' || ta === 'bigint') && (tb === 'number' || tb === 'bigint')) return (a as number) == (b as number);
  if (ta !== 'object' || tb !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sqlEquals(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Uint8Array) {
    if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !sqlEquals(v, b.get(k))) return false;
    }
    return true;
  }
  if (b instanceof Map || Array.isArray(b) || b instanceof Uint8Array) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!sqlEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Ordering for GREATEST / LEAST: numbers (and bigints), strings, booleans (false < true), timestamps. */
export function sqlCompare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const x = a as number;
  const y = b as number;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function fail(message: string): never {
  throw userError(message);
}
