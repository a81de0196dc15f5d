// The byte-writing JSON encoder's fast paths (ASCII strings, integers, DECIMALs, TIMESTAMPs in the three text
// forms, slab growth) against references built on JSON.stringify / Date.toISOString, on generated values.
import { describe, expect, it } from 'vitest';
import { createJsonRowDecoder, createJsonRowEncoder, createReferenceJsonRowEncoder, jsonTableSchema } from '../../../src/schema/json-codec.js';
import { Decimal, decimalToJavaString, rescale } from '../../../src/core/decimal.js';
import { mulberry32 } from '../../../src/connectors/datagen/datagen-source.js';
import type { Field, Row } from '../../../src/core/types.js';

const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

/** Characters that hit every branch of the string writer: plain ASCII, what JSON escapes, DEL, non-ASCII, surrogates. */
const CHARS = ['a', 'Z', '0', ' ', '~', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', 'ß', '\u2028', '日', '\ud83d\ude00', '\ud800', '\udfff'];

function randomString(r: () => number): string {
  const n = r() < 0.1 ? Math.floor(r() * 400) : Math.floor(r() * 24);
  const asciiOnly = r() < 0.6;
  let s = '';
  for (let i = 0; i < n; i++) s += asciiOnly ? String.fromCharCode(32 + Math.floor(r() * 95)) : CHARS[Math.floor(r() * CHARS.length)]!;
  return s;
}

function randomNumber(r: () => number): number {
  const pick = [
    () => Math.floor(r() * 1000),
    () => -Math.floor(r() * 1e6),
    () => Math.floor((r() - 0.5) * 2 ** 54),
    () => 2 ** 53 + Math.floor(r() * 4) - 2,
    () => (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20),
    () => [0, -0, 1e21, -1e21, 1e-7, NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE][Math.floor(r() * 10)]!,
  ];
  return pick[Math.floor(r() * pick.length)]!();
}

function randomTimestamp(r: () => number): unknown {
  const pick = [
    () => Date.UTC(2026, 0, 1) + Math.floor(r() * 86_400_000 * 3),
    () => Math.floor((r() - 0.5) * 2 * 253_402_300_800_000),
    () => (r() - 0.5) * 1e13,
    () => [-62_167_219_200_001, -62_167_219_200_000, 253_402_300_799_999, 253_402_300_800_000, 8.64e15, -8.64e15, -0, NaN, Infinity][Math.floor(r() * 9)]!,
    () => BigInt(Math.floor(r() * 4e12)),
    () => Date.UTC(2024, 1, 29, 23, 59, 59, Math.floor(r() * 1000)),
  ];
  return pick[Math.floor(r() * pick.length)]!();
}

function randomDecimal(r: () => number, scale: number): unknown {
  const pick = [
    () => new Decimal(BigInt(Math.floor((r() - 0.5) * 2e9)), scale),
    () => new Decimal(BigInt(Math.floor((r() - 0.5) * 2 ** 54)), scale),
    () => new Decimal(BigInt(Math.floor(r() * 100)) * 10n ** 20n, scale),
    () => new Decimal(BigInt(Math.floor(r() * 1000)), Math.floor(r() * 10)),
    () => new Decimal(9_007_199_254_740_991n * (r() < 0.5 ? 1n : -1n) + (r() < 0.5 ? 1n : 0n), scale),
    () => Math.floor(r() * 1000) / 8,
  ];
  return pick[Math.floor(r() * pick.length)]!();
}

/** Flink's SQL / ISO-8601 text of epoch ms, built from Date.toISOString (independently of the codec). */
function flinkText(ms: number, sep: string, ltz: boolean): string {
  if (!Number.isFinite(ms)) return 'null';
  const iso = new Date(Math.trunc(ms)).toISOString();
  if (iso.length !== 24) return JSON.stringify(iso);
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return JSON.stringify(`${iso.slice(0, 10)}${sep}${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}${ltz ? 'Z' : ''}`);
}

const COLUMNS: Field[] = [
  { name: 's', type: { kind: 'STRING' }, nullable: true },
  { name: 'n', type: { kind: 'BIGINT' }, nullable: true },
  { name: 'd', type: { kind: 'DOUBLE' }, nullable: true },
  { name: 'dec3', type: { kind: 'DECIMAL', precision: 23, scale: 3 }, nullable: true },
  { name: 'dec0', type: { kind: 'DECIMAL', precision: 20, scale: 0 }, nullable: true },
  { name: 'dec6', type: { kind: 'DECIMAL', precision: 30, scale: 6 }, nullable: true },
  { name: 'dec9', type: { kind: 'DECIMAL', precision: 30, scale: 9 }, nullable: true },
  { name: 'ts', type: { kind: 'TIMESTAMP', precision: 3 }, nullable: true },
  { name: 'lt', type: { kind: 'TIMESTAMP', precision: 3, proctime: true }, nullable: true },
  { name: 'b', type: { kind: 'BOOLEAN' }, nullable: true },
  { name: 'né"\\', type: { kind: 'STRING' }, nullable: true },
];

function randomRow(r: () => number): Row {
  const maybe = (v: () => unknown): unknown => (r() < 0.08 ? (r() < 0.5 ? null : undefined) : v());
  return [
    maybe(() => randomString(r)),
    maybe(() => (r() < 0.9 ? randomNumber(r) : BigInt(Math.floor(r() * 1e6)) * 10n ** 12n)),
    maybe(() => randomNumber(r)),
    maybe(() => randomDecimal(r, 3)),
    maybe(() => randomDecimal(r, 0)),
    maybe(() => randomDecimal(r, 6)),
    maybe(() => randomDecimal(r, 9)),
    maybe(() => randomTimestamp(r)),
    maybe(() => randomTimestamp(r)),
    maybe(() => (r() < 0.9 ? r() < 0.5 : 'yes')),
    maybe(() => randomString(r)),
  ];
}

/** What a column's value should read as, from JSON.stringify and Decimal's own text (the Flink timestamp forms by `flinkText`). */
function expectedValue(v: unknown, f: Field, format: 'RFC3339' | 'SQL' | 'ISO-8601'): string {
  if (v === null || v === undefined) return 'null';
  const t = f.type;
  if (t.kind === 'TIMESTAMP' && (typeof v === 'number' || typeof v === 'bigint')) {
    const ms = Number(v);
    if (format === 'RFC3339') return Number.isFinite(ms) ? JSON.stringify(new Date(ms).toISOString()) : 'null';
    return flinkText(ms, format === 'SQL' ? ' ' : 'T', t.proctime === true);
  }
  if (v instanceof Decimal) return decimalToJavaString(t.kind === 'DECIMAL' ? rescale(v, t.scale) : v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v);
}

describe('byte-writing JSON encoder against JSON.stringify-based references', () => {
  it.each(['RFC3339', 'SQL', 'ISO-8601'] as const)('%s: 20,000 random rows write the expected text, and earlier records stay intact', (format) => {
    const r = mulberry32(format.length * 7919);
    const enc = createJsonRowEncoder(COLUMNS, undefined, format);
    const ref = format === 'RFC3339' ? createReferenceJsonRowEncoder(COLUMNS) : undefined;
    const kept: Array<[Uint8Array, string]> = [];
    for (let n = 0; n < 20_000; n++) {
      const row = randomRow(r);
      const got = enc.encode(row);
      const want = `{${COLUMNS.map((f, i) => `${JSON.stringify(f.name)}:${expectedValue(row[i], f, format)}`).join(',')}}`;
      expect(text(got)).toBe(want);
      if (ref) expect(Buffer.compare(Buffer.from(got), Buffer.from(ref.encode(row)))).toBe(0);
      if (n % 97 === 0) kept.push([got, want]);
    }
    // every record is a view of a slab that is never written again
    for (const [bytes, want] of kept) expect(text(bytes)).toBe(want);
  });

  it('strings read back as themselves (well-formed UTF-16), and the bytes are valid JSON', () => {
    const r = mulberry32(99);
    const enc = createJsonRowEncoder([{ name: 's', type: { kind: 'STRING' }, nullable: true }]);
    for (let n = 0; n < 20_000; n++) {
      const s = randomString(r);
      const out = JSON.parse(text(enc.encode([s]))) as { s: string };
      if (!/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) expect(out.s).toBe(s);
      else expect(out.s).toBe(JSON.parse(JSON.stringify(s)) as string);
    }
  });

  it('rows larger than a slab, and a slab filling in the middle of a row', () => {
    const enc = createJsonRowEncoder(COLUMNS.slice(0, 2));
    const big = 'x'.repeat(200_000);
    const kept: Array<[Uint8Array, string]> = [];
    for (let n = 0; n < 300; n++) {
      const s = n % 50 === 0 ? big : 'é'.repeat(n * 37);
      const got = enc.encode([s, n]);
      kept.push([got, JSON.stringify({ s, n })]);
    }
    for (const [bytes, want] of kept) expect(text(bytes)).toBe(want);
  });
});

describe('generated JSON decoder: cached strings and dates against JSON.parse', () => {
  const schema = JSON.stringify({
    type: 'object',
    properties: { a: { type: 'string' }, b: { type: 'string' }, at: { type: 'string', format: 'date-time' } },
  });
  const table = jsonTableSchema(schema, { table: 't', rowtimeFieldName: 'at', rowtimeName: 'rowtime' });

  it('50,000 records of repeated, colliding, escaped and non-ASCII strings read as JSON.parse reads them', () => {
    const r = mulberry32(5);
    const dec = createJsonRowDecoder(table);
    // a small pool (cache hits), many same-length values (hash slot collisions), and random text
    const pool = Array.from({ length: 40 }, () => randomString(r));
    for (let n = 0; n < 50_000; n++) {
      const a = r() < 0.5 ? pool[Math.floor(r() * pool.length)]! : `K-${String(Math.floor(r() * 100_000)).padStart(6, '0')}`;
      const b = r() < 0.7 ? pool[Math.floor(r() * 8)]! : randomString(r);
      const ms = Date.UTC(2026, 0, 1) + Math.floor(r() * 5) * 86_400_000 + Math.floor(r() * 86_400_000);
      const at = r() < 0.5 ? new Date(ms).toISOString() : new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
      const bytes = Buffer.from(JSON.stringify({ a, b, at }));
      const parsed = JSON.parse(bytes.toString('utf8')) as { a: string; b: string };
      expect(dec.decode(bytes)).toEqual([parsed.a, parsed.b, ms, ms]);
    }
  });
});
