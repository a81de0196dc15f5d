import { canonicalInt64 } from './types.js';
import { Decimal, decimalCompare, toDecimal } from './decimal.js';

/**
 * SQL semantics of the value model (core/types.ts) that both compiled expressions (runtime/expr/runtime-lib.ts)
 * and built-in aggregates need: BIGINT arithmetic that wraps like Java's long, DECIMAL rounding, equality,
 * ordering and the text form of a value. NULL handling is the caller's.
 */

export const MAX_SAFE = 9007199254740991;

/** BIGINT results wrap at 64 bits, as Java's long does. */
export function wrap64(v: bigint): number | bigint {
  return canonicalInt64(BigInt.asIntN(64, v));
}

/** Integer addition exact beyond 2^53 (BIGINT), plain for floating types. */
export function addInt(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (s <= MAX_SAFE && s >= -MAX_SAFE) return s;
  }
  return wrap64(BigInt(a) + BigInt(b));
}

export function subInt(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a - b;
    if (s <= MAX_SAFE && s >= -MAX_SAFE) return s;
  }
  return wrap64(BigInt(a) - BigInt(b));
}

/** Rounds HALF_UP to `scale` digits, so DECIMAL sums such as 0.1 + 0.2 come out exact (0.3). */
export function roundDecimal(x: number, scale: number): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** scale;
  const r = Math.round(Math.abs(x) * f * (1 + Number.EPSILON)) / f;
  return x < 0 ? -r : r;
}

/** Equality across the value model. */
export function sqlEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Decimal || b instanceof Decimal) {
    const x = toDecimal(a);
    const y = toDecimal(b);
    return x !== null && y !== null && decimalCompare(x, y) === 0;
  }
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'number' || ta === 'bigint') && (tb === 'number' || tb === 'bigint')) return a == b;
  if (ta === 'string' && (tb === 'number' || tb === 'bigint')) return Number(a) == b;
  if (tb === 'string' && (ta === 'number' || ta === 'bigint')) return Number(b) == a;
  if (ta === 'boolean' && tb === 'string') return String(a) === (b as string).toLowerCase();
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sqlEq(x, b[i]));
  if (a !== null && b !== null && ta === 'object' && tb === 'object') return JSON.stringify(a, jsonSafe) === JSON.stringify(b, jsonSafe);
  return false;
}

/** Three-way comparison for ordering. */
export function sqlCmp(a: unknown, b: unknown): number {
  if (a instanceof Decimal || b instanceof Decimal) {
    const x = toDecimal(a);
    const y = toDecimal(b);
    if (x !== null && y !== null) return decimalCompare(x, y);
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b !== 'string') a = Number(a);
  if (typeof b === 'string' && typeof a !== 'string') b = Number(b);
  const x = a as number;
  const y = b as number;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A value as SQL text (CAST to STRING of a non-string). */
export function sqlStr(v: unknown): string {
  if (typeof v === 'string') return v;
  return formatValue(v);
}

export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof Decimal) return String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${formatValue(k)}=${formatValue(x)}`).join(', ')}}`;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (typeof v === 'object') return `(${Object.values(v as object).map(formatValue).join(', ')})`;
  return String(v);
}

function jsonSafe(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Map) return [...v];
  return v;
}
