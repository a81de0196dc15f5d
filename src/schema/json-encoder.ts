/**
 * The generated JSON row encoder: one function per output shape (json-codec.ts builds its plan), writing
 * the record's bytes straight into a slab Buffer shared by the rows of the encoder (no text per row, no
 * Buffer.from per row): property-name prefixes are unrolled byte stores, and the common values (ASCII
 * strings without escapes, numbers, booleans, TIMESTAMPs in the sink's text form, DECIMALs that fit a
 * double's integers) are written digit by digit. Anything else is written as the reference codec's text
 * (`stringifyJson`), so the bytes are always the reference encoder's.
 *
 * Each row's bytes are a view into the slab; a slab is never written twice (a full one is left to the views
 * that still hold it and a new one is taken), so a returned record stays valid however long it is kept.
 */
import { Decimal } from '../core/decimal.js';
import type { Row, SqlType } from '../core/types.js';

export type JsonTimestampFormat = 'RFC3339' | 'SQL' | 'ISO-8601';
export type EncoderPlan = Array<[key: string, index: number | undefined, type: SqlType | undefined]>;

type Bytes = Buffer & { utf8Write(s: string, offset: number, length?: number): number };

/** Bytes of one slab; a row larger than that gets a slab of its own size. */
const SLAB = 64 * 1024;
/** Bound on the bytes of a number, a boolean, a TIMESTAMP or a small DECIMAL as written by the fast paths. */
const SCALAR_MAX = 48;

interface Slab {
  buf: Bytes;
}

/** A new slab with the current row's bytes so far ([start, pos) of the old one) at its start; the new pos. */
function grow(s: Slab, start: number, pos: number, need: number): number {
  const len = pos - start;
  const next = Buffer.allocUnsafe(Math.max(SLAB, 2 * (len + need))) as Bytes;
  s.buf.copy(next, 0, start, pos);
  s.buf = next;
  return len;
}

/** Writes `s` quoted at `pos` when it is printable ASCII without `"` or `\`; -1 otherwise (nothing to escape: the caller writes JSON.stringify's text). */
function asciiString(buf: Bytes, pos: number, s: string): number {
  buf[pos++] = 34;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126 || c === 34 || c === 92) return -1;
    buf[pos++] = c;
  }
  buf[pos++] = 34;
  return pos;
}

/** Writes a non-negative integer below 2^53 in decimal. */
function digits(buf: Bytes, pos: number, v: number): number {
  if (v < 10) {
    buf[pos] = 48 + v;
    return pos + 1;
  }
  if (v <= 0x7fffffff) {
    // int32 arithmetic (most ids, counts and prices)
    let len = 1;
    for (let x = v; x >= 10; len++) x = (x / 10) | 0;
    let p = pos + len;
    let x = v | 0;
    while (x >= 10) {
      const q = (x / 10) | 0;
      buf[--p] = 48 + x - q * 10;
      x = q;
    }
    buf[--p] = 48 + x;
    return pos + len;
  }
  let len = 1;
  for (let x = v; x >= 10; len++) x = Math.floor(x / 10);
  let p = pos + len;
  while (v >= 10) {
    const q = Math.floor(v / 10);
    buf[--p] = 48 + (v - q * 10);
    v = q;
  }
  buf[--p] = 48 + v;
  return pos + len;
}

/** Writes ASCII text (a number's String()). */
function ascii(buf: Bytes, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  return pos;
}

/** Writes a finite number as String(v) does; 'null' for NaN and the infinities (as stringifyJson). */
function number(buf: Bytes, pos: number, v: number): number {
  if (Number.isSafeInteger(v)) {
    if (v < 0) {
      buf[pos++] = 45;
      return digits(buf, pos, -v);
    }
    return digits(buf, pos, v + 0); // + 0: -0 prints as 0
  }
  if (v - v !== 0) return ascii(buf, pos, 'null');
  return ascii(buf, pos, '' + v);
}

function two(buf: Bytes, pos: number, v: number): void {
  const t = (v / 10) | 0;
  buf[pos] = 48 + t;
  buf[pos + 1] = 48 + v - t * 10;
}

const DAY_MS = 86_400_000;
/** Years 0000-9999: toISOString writes them with four digits, the shape written here. */
const ISO_MIN = -62_167_219_200_000;
const ISO_MAX = 253_402_300_800_000;

/**
 * The date and time of day (`YYYY-MM-DD` and `HH:MM:SS`) of the last whole second written, shared by every
 * encoder: records mostly arrive in time order, many in the same second.
 */
let cachedSecond = NaN;
let cachedDay = NaN;
const secondBytes = new Uint8Array(18);

function cacheSecond(second: number): void {
  cachedSecond = second;
  const ms = second * 1000;
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    const iso = new Date(day * DAY_MS).toISOString();
    for (let i = 0; i < 10; i++) secondBytes[i] = iso.charCodeAt(i);
  }
  let r = (ms - day * DAY_MS) / 1000;
  const sec = r % 60;
  r = (r - sec) / 60;
  const min = r % 60;
  const hour = (r - min) / 60;
  secondBytes[10] = 48 + ((hour / 10) | 0);
  secondBytes[11] = 48 + (hour % 10);
  secondBytes[12] = 58;
  secondBytes[13] = 48 + ((min / 10) | 0);
  secondBytes[14] = 48 + (min % 10);
  secondBytes[15] = 58;
  secondBytes[16] = 48 + ((sec / 10) | 0);
  secondBytes[17] = 48 + (sec % 10);
}

/**
 * Writes a TIMESTAMP (epoch ms, a finite number within years 0000-9999) as a JSON string: `mode` 0 is
 * RFC3339 (`"2024-01-02T03:04:05.600Z"`), 1 Flink's SQL form (`"2024-01-02 03:04:05.6"`), 2 its ISO-8601 form
 * (`T`, same fraction); `ltz` adds the `Z` of a TIMESTAMP_LTZ in the Flink forms.
 */
function timestamp(buf: Bytes, pos: number, ms: number, mode: number, ltz: boolean): number {
  ms = Math.trunc(ms) + 0; // as Date does (TimeClip)
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) cacheSecond(second);
  const milli = ms - second * 1000;
  buf[pos] = 34;
  for (let i = 0; i < 10; i++) buf[pos + 1 + i] = secondBytes[i]!;
  buf[pos + 11] = mode === 1 ? 32 : 84;
  for (let i = 10; i < 18; i++) buf[pos + 2 + i] = secondBytes[i]!;
  pos += 20;
  if (mode === 0) {
    buf[pos] = 46;
    buf[pos + 1] = 48 + ((milli / 100) | 0);
    two(buf, pos + 2, milli % 100);
    buf[pos + 4] = 90;
    buf[pos + 5] = 34;
    return pos + 6;
  }
  if (milli !== 0) {
    buf[pos++] = 46;
    buf[pos++] = 48 + ((milli / 100) | 0);
    const rest = milli % 100;
    if (rest !== 0) {
      const t = (rest / 10) | 0;
      buf[pos++] = 48 + t;
      if (rest % 10 !== 0) buf[pos++] = 48 + (rest % 10);
    }
  }
  if (ltz) buf[pos++] = 90;
  buf[pos++] = 34;
  return pos;
}

const MAX_SAFE = 9_007_199_254_740_991n;
const POW10 = Array.from({ length: 7 }, (_v, i) => 10 ** i);

/**
 * Writes a DECIMAL of the column's scale (0-6: Java's BigDecimal.toString is then always plain) whose unscaled
 * value is a safe integer; -1 for anything else (the caller writes the reference text).
 */
function decimal(buf: Bytes, pos: number, d: Decimal, scale: number): number {
  if (d.scale !== scale) return -1;
  const u = d.unscaled;
  if (u > MAX_SAFE || u < -MAX_SAFE) return -1;
  let n = Number(u);
  if (n < 0) {
    buf[pos++] = 45;
    n = -n;
  }
  if (scale === 0) return digits(buf, pos, n);
  const unit = POW10[scale]!;
  const whole = Math.floor(n / unit);
  let frac = n - whole * unit;
  pos = digits(buf, pos, whole);
  buf[pos++] = 46;
  for (let k = scale - 1; k >= 0; k--) {
    const q = Math.floor(frac / 10);
    buf[pos + k] = 48 + (frac - q * 10);
    frac = q;
  }
  return pos + scale;
}

/** Unrolled stores of a constant byte string at pos (the property-name prefixes). */
function storeCode(bytes: Buffer): string {
  return [...bytes].map((x, j) => `buf[pos + ${j}] = ${x};`).join(' ') + ` pos += ${bytes.length};`;
}

export interface GeneratedJsonEncoderSpec {
  readonly plan: EncoderPlan;
  readonly timestampFormat: JsonTimestampFormat;
  /** The reference codec's JSON text of a value of a type (used for everything off the fast paths). */
  readonly stringify: (v: unknown, t?: SqlType) => string;
  /** The reference codec's JSON text of a TIMESTAMP (epoch ms) in the sink's Flink form (SQL or ISO-8601). */
  readonly flinkTimestamp: (ms: number, t: SqlType | undefined) => string;
}

/** The code that writes the value `v` of plan entry `k` at `pos` (capacity for SCALAR_MAX bytes already there). */
function valueCode(t: SqlType | undefined, k: number, mode: number): string {
  const slow = `{ const s = G(v, T[${k}]); if (pos + 3 * s.length > buf.length) { pos = GROW(W, start, pos, 3 * s.length); buf = W.buf; start = 0; } pos += buf.utf8Write(s, pos); }`;
  const str = (test: string): string =>
    `if (${test}) { if (pos + 6 * v.length + 2 > buf.length) { pos = GROW(W, start, pos, 6 * v.length + 2); buf = W.buf; start = 0; } const p = STR(buf, pos, v); pos = p >= 0 ? p : pos + buf.utf8Write(Q(v), pos); } else ${slow}`;
  const nul = `if (v === null || v === undefined) { ${storeCode(Buffer.from('null'))} } else `;
  switch (t?.kind) {
    case 'STRING':
      return nul + str(`typeof v === 'string'`);
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
      return `${nul}if (typeof v === 'number') pos = NUM(buf, pos, v); else ${slow}`;
    case 'DECIMAL': {
      const fast = t.scale >= 0 && t.scale <= 6 ? `else if (v instanceof DEC && (p = DECW(buf, pos, v, ${t.scale})) >= 0) pos = p; ` : '';
      return `${nul}{ let p; if (typeof v === 'number') pos = NUM(buf, pos, v); ${fast}else ${slow} }`;
    }
    case 'BOOLEAN':
      return `${nul}if (v === true) { ${storeCode(Buffer.from('true'))} } else if (v === false) { ${storeCode(Buffer.from('false'))} } else ${slow}`;
    case 'TIMESTAMP': {
      if (mode === 0) {
        // RFC3339: numbers only (a bigint goes the reference way, which writes the same text)
        return `${nul}if (typeof v === 'number' && v >= ${ISO_MIN} && v < ${ISO_MAX}) pos = TSW(buf, pos, v, 0, false); else ${slow}`;
      }
      // The Flink forms read a bigint as its number; out of years 0000-9999 (or not finite) their own text.
      const ltz = t.proctime === true;
      const flinkSlow = `{ const s = TS(v, T[${k}]); if (pos + 3 * s.length > buf.length) { pos = GROW(W, start, pos, 3 * s.length); buf = W.buf; start = 0; } pos += buf.utf8Write(s, pos); }`;
      return `${nul}if (typeof v === 'number' || typeof v === 'bigint') { v = Number(v); if (v >= ${ISO_MIN} && v < ${ISO_MAX}) pos = TSW(buf, pos, v, ${mode}, ${ltz}); else ${flinkSlow} } else ${slow}`;
    }
    default:
      return `${nul}${slow}`;
  }
}

export function generateJsonEncoder(spec: GeneratedJsonEncoderSpec): { encode(row: Row): Uint8Array } {
  const { plan } = spec;
  const mode = spec.timestampFormat === 'RFC3339' ? 0 : spec.timestampFormat === 'SQL' ? 1 : 2;
  const parts = plan.map(([key, i, t], k) => {
    const prefix = Buffer.from(`${k === 0 ? '{' : ','}${JSON.stringify(key)}:`, 'utf8');
    const ensure = `if (pos + ${prefix.length + SCALAR_MAX} > buf.length) { pos = GROW(W, start, pos, ${prefix.length + SCALAR_MAX}); buf = W.buf; start = 0; }`;
    const value = i === undefined ? storeCode(Buffer.from('null')) : `v = row[${i}]; ${valueCode(t, k, mode)}`;
    return `${ensure} ${storeCode(prefix)} ${value}`;
  });
  const close = plan.length === 0 ? storeCode(Buffer.from('{}')) : storeCode(Buffer.from('}'));
  const body = `'use strict'; return function encode(row) {
    let buf = W.buf; let start = W.pos; let pos = start; let v;
    ${parts.join('\n    ')}
    if (pos + 2 > buf.length) { pos = GROW(W, start, pos, 2); buf = W.buf; start = 0; }
    ${close}
    W.pos = pos;
    return buf.subarray(start, pos);
  };`;
  const W: Slab & { pos: number } = { buf: Buffer.allocUnsafe(0) as Bytes, pos: 0 };
  const encode = new Function('W', 'GROW', 'G', 'TS', 'T', 'Q', 'STR', 'NUM', 'TSW', 'DEC', 'DECW', body)(
    W,
    grow,
    spec.stringify,
    spec.flinkTimestamp,
    plan.map(([, , t]) => t),
    JSON.stringify,
    asciiString,
    number,
    timestamp,
    Decimal,
    decimal,
  ) as (row: Row) => Uint8Array;
  return { encode };
}

