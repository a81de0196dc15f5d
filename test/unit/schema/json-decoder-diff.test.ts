// The generated JSON decoder and encoder against the reference ones, on random records and rows: the decoder
// gives the same rows or the same error (for several column subsets: projection pushdown), the encoder the same text.
import { describe, expect, it } from 'vitest';
import {
  createJsonRowDecoder,
  createJsonRowEncoder,
  createReferenceJsonRowDecoder,
  createReferenceJsonRowEncoder,
  jsonTableSchema,
} from '../../../src/schema/json-codec.js';
import type { Field, Row } from '../../../src/core/types.js';

const SCHEMA = JSON.stringify({
  type: 'object',
  properties: {
    id: { type: 'string' },
    count: { type: 'integer' },
    amount: { type: 'number' },
    ok: { type: 'boolean' },
    at: { type: 'string', format: 'date-time' },
    tags: { type: 'array', items: { type: 'string' } },
    loc: { type: 'object', properties: { lat: { type: 'number' }, name: { type: 'string' } } },
    attrs: { type: 'object', additionalProperties: { type: 'integer' } },
    blob: { type: 'string', contentEncoding: 'base64' },
    'naïve key': { type: 'string' },
    anything: {},
    ts: { type: 'string' },
    price: { type: 'number', 'x-sql-type': 'DECIMAL(38, 18)' },
  },
});

/** Numbers with more digits than a double holds, leading zeros, exponents: where the scanner's precision rules bite. */
const BIG_NUMBERS = [
  '-6.199000000000001',
  '0.000000000000000012345',
  '1.2345678901234567e5',
  '12345678901234567e-3',
  '0.12345678901234567890123',
  '-0.0000000000000000',
  '100000000000000000000.0',
  '1234567890.12345678',
];

/** A small deterministic PRNG, so a failure names its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gen(r: () => number): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (): string =>
    pick(['0', '-0', '7', '-12', '9007199254740991', '9007199254740993', '-9223372036854775808', '12345678901234567890', String(Math.floor(r() * 1e9))]);
  const num = (): string => pick([int(), '1.5', '-0.25', '1e3', '2E-2', '1.0', '3.14159', '1e400', '123456789012345678.5', ...BIG_NUMBERS]);
  const str = (): string =>
    pick(['"a"', '""', '"héllo"', '"tab\\tquote\\"x"', '"\\u00e9\\ud83d\\ude00"', '"日本"', JSON.stringify('x'.repeat(Math.floor(r() * 40))), '"123"', '" 42 "', '"true"']);
  const time = (): string =>
    pick([
      '"2024-01-02T03:04:05Z"',
      '"2024-01-02T03:04:05.6Z"',
      '"2024-01-02T03:04:05.678Z"',
      '"2024-01-02T03:04:05.6789Z"',
      '"2024-01-02 03:04:05"',
      '"2024-01-02T03:04:05"',
      '"2024-02-30T03:04:05+05:30"',
      '"2024-01-02T03:04:05-08:00"',
      '"2024-01-02T03:04:05+0700"',
      '"2024-01-02T24:00:00Z"',
      '"2024-01-02"',
      '"0050-06-01T00:00:00Z"',
      '" 2024-01-02T03:04:05Z "',
      '"2024-13-02T03:04:05Z"',
      '"yesterday"',
      '"1700000000"',
      '"1700000000.75"',
    ]);
  const any = (depth: number): string => {
    const k = Math.floor(r() * (depth > 2 ? 5 : 7));
    if (k === 0) return 'null';
    if (k === 1) return pick(['true', 'false']);
    if (k === 2) return num();
    if (k === 3) return str();
    if (k === 4) return time();
    if (k === 5) return `[${Array.from({ length: Math.floor(r() * 3) }, () => any(depth + 1)).join(',')}]`;
    return `{${Array.from({ length: Math.floor(r() * 3) }, () => `${pick(['"k"', '"lat"', '"name"', '"z\\u0041"'])}:${any(depth + 1)}`).join(',')}}`;
  };
  const value = (prop: string): string => {
    if (r() < 0.1) return 'null';
    if (r() < 0.08) return any(0); // any shape, whatever the schema says
    switch (prop) {
      case 'id':
      case 'naïve key':
      case 'blob':
        return prop === 'blob' ? pick(['"AAEC"', '"/w=="', '""']) : str();
      case 'count':
        return r() < 0.8 ? int() : num();
      case 'amount':
      case 'price':
        return num();
      case 'ok':
        return pick(['true', 'false', '"true"']);
      case 'at':
        return time();
      case 'tags':
        return `[${Array.from({ length: Math.floor(r() * 4) }, () => (r() < 0.2 ? 'null' : str())).join(',')}]`;
      case 'loc':
        return `{"lat":${num()}${r() < 0.5 ? `,"name":${str()}` : ''}}`;
      case 'attrs':
        return `{"k":${int()},"j":${int()}}`;
      case 'ts':
        return r() < 0.4 ? pick(['1700000000', '1700000000.9', '-5', '1e400', '12345678901234567890']) : time();
      default:
        return any(0);
    }
  };
  const props = ['id', 'count', 'amount', 'ok', 'at', 'tags', 'loc', 'attrs', 'blob', 'naïve key', 'anything', 'ts', 'price', 'extra', 'x'];
  const ws = (): string => pick(['', '', '', ' ', '\n  ', '\t']);
  const parts: string[] = [];
  for (const p of props) {
    if (r() < 0.15) continue;
    const key = p === 'count' && r() < 0.1 ? '"c\\u006funt"' : JSON.stringify(p);
    parts.push(`${ws()}${key}${ws()}:${ws()}${value(p)}${ws()}`);
    if (r() < 0.05) parts.push(`${JSON.stringify(p)}:${value(p)}`); // duplicate: the last one wins
  }
  if (r() < 0.5) parts.sort(() => r() - 0.5);
  let text = `${ws()}{${parts.join(',')}}${ws()}`;
  const broken = r();
  if (broken < 0.02) text = text.slice(0, Math.floor(r() * text.length));
  else if (broken < 0.03) text = `${text},`;
  else if (broken < 0.04) text = `[${text}]`;
  else if (broken < 0.05) text = text.replace(':', '');
  return text;
}

function outcome(f: () => Row): { row?: Row; error?: string } {
  try {
    return { row: f() };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

describe('generated JSON decoder against the reference decoder', () => {
  const table = jsonTableSchema(SCHEMA, { table: 't', rowtimeFieldName: 'ts', rowtimeName: 'rowtime' });
  const atRowtime = jsonTableSchema(SCHEMA, { table: 't', rowtimeFieldName: 'at', rowtimeName: 'rowtime' });
  const noRowtime = jsonTableSchema(SCHEMA, { table: 't', rowtimeName: 'rowtime' });
  const all = table.columns.map((_c, i) => i);
  const subsets: Array<[string, typeof table, ReadonlySet<number> | undefined]> = [
    ['all columns', table, undefined],
    ['id, at', table, new Set([0, 4])],
    ['ts as a column too', table, new Set([11, 1])],
    ['rowtime only', table, new Set<number>()],
    ['a date-time column as the rowtime', atRowtime, new Set([4, 2])],
    ['no rowtime', noRowtime, new Set(all.filter((i) => i % 2 === 0 && i < 12))],
    ['the DECIMAL and DOUBLE columns', table, new Set([2, 12])],
  ];

  it.each(subsets)('%s: 3,000 random records give the same rows or the same errors', (_name, t, columns) => {
    const opts = columns ? { columns } : {};
    const fast = createJsonRowDecoder(t, opts);
    const reference = createReferenceJsonRowDecoder(t, opts);
    const r = rng(16);
    let rows = 0;
    for (let n = 0; n < 3000; n++) {
      const text = gen(r);
      const bytes = Buffer.from(text, 'utf8');
      const want = outcome(() => reference.decode(bytes));
      const got = outcome(() => fast.decode(bytes));
      if (want.row) rows++;
      expect({ text, ...got }).toEqual({ text, ...want });
      // A Uint8Array that is not a Buffer decodes the same.
      expect(outcome(() => fast.decode(new Uint8Array(bytes)))).toEqual(want);
    }
    // The generator must produce mostly decodable records, or the comparison says little.
    expect(rows).toBeGreaterThan(300);
  });

  it('reads the common shapes without the fallback, and keeps -0, big integers and escapes exact', () => {
    const dec = createJsonRowDecoder(table, { columns: new Set([0, 1, 2, 4]) });
    const row = dec.decode(Buffer.from('{"id":"q\\"é","count":-9223372036854775808,"amount":-0,"at":"2024-01-02T03:04:05.1239-01:30","ts":1700000000.9}'));
    expect(row[0]).toBe('q"é');
    expect(row[1]).toBe(-9223372036854775808n);
    expect(Object.is(row[2], -0)).toBe(true);
    expect(row[4]).toBe(Date.parse('2024-01-02T03:04:05.123-01:30'));
    expect(row[13]).toBe(1700000000000);
    const more = ['{"ts":"2024-01-02 03:04:05","at":"2024-01-02T03:04:05.6Z","x":{"a":[1,{"b":"\\u0041"}],"c":null},"count":12345678901234567890}', '{ "ts" : 5 , "id" : "日本" }'];
    for (const text of more) expect(dec.decode(Buffer.from(text))).toEqual(createReferenceJsonRowDecoder(table, { columns: new Set([0, 1, 2, 4]) }).decode(Buffer.from(text)));
    expect((dec as unknown as { stats: { fallbacks: number } }).stats.fallbacks).toBe(0);
  });
});

const fallbacks = (d: unknown): number => (d as { stats: { fallbacks: number } }).stats.fallbacks;

describe('values the query does not read never send a record to the reference decoder', () => {
  const table = jsonTableSchema(SCHEMA, { table: 't', rowtimeFieldName: 'ts', rowtimeName: 'rowtime' });
  const unread = [
    ...BIG_NUMBERS,
    '1e400',
    '-1E-400',
    '123456789012345678901234567890',
    '"tab\\tquote\\"x \\u00e9\\ud83d\\ude00 \\/ \\\\"',
    '{"lat":-6.199000000000001,"deep":[[[1.00000000000000000001e-3]]],"s":"\\n"}',
    '[0.1234567890123456789, {"a\\u0041":2.5E+10}]',
  ];
  it.each(unread)('an unread %s', (v) => {
    // id and count read; amount, price, loc and an unknown property carry the value.
    const dec = createJsonRowDecoder(table, { columns: new Set([0, 1]) });
    const reference = createReferenceJsonRowDecoder(table, { columns: new Set([0, 1]) });
    for (const text of [`{"id":"a","amount":${v},"count":3,"ts":5}`, `{"loc":{"lat":${v}},"id":"a","ts":5}`, `{"x":${v},"id":"a","price":${v},"ts":5}`]) {
      expect(dec.decode(Buffer.from(text))).toEqual(reference.decode(Buffer.from(text)));
    }
    expect(fallbacks(dec)).toBe(0);
  });

  it('a DOUBLE column with more digits than a double holds is read as Number(text), without the fallback', () => {
    const dec = createJsonRowDecoder(table, { columns: new Set([2]) });
    for (const v of BIG_NUMBERS) expect(dec.decode(Buffer.from(`{"amount":${v},"ts":1}`))[2]).toBe(Number(v));
    expect(fallbacks(dec)).toBe(0);
  });

  it('a DECIMAL column keeps every digit, as the reference decoder does', () => {
    const dec = createJsonRowDecoder(table, { columns: new Set([12]) });
    const reference = createReferenceJsonRowDecoder(table, { columns: new Set([12]) });
    for (const v of ['0.12345678901234567890123', '1234567890.12345678', '-6.199000000000001', '2.5']) {
      const text = Buffer.from(`{"price":${v},"ts":1}`);
      expect(String(dec.decode(text)[12])).toBe(String(reference.decode(text)[12]));
    }
    expect(String(dec.decode(Buffer.from('{"price":1234567890.12345678,"ts":1}'))[12])).toBe('1234567890.123456780000000000');
  });
});

describe('generated JSON encoder against the reference encoder', () => {
  const columns = [
    { name: 's', type: { kind: 'STRING' } },
    { name: 'n', type: { kind: 'BIGINT' } },
    { name: 'i', type: { kind: 'INT' } },
    { name: 'd', type: { kind: 'DOUBLE' } },
    { name: 'dec', type: { kind: 'DECIMAL', precision: 10, scale: 2 } },
    { name: 'b', type: { kind: 'BOOLEAN' } },
    { name: 'ts', type: { kind: 'TIMESTAMP', precision: 3 } },
    { name: 'bytes', type: { kind: 'BYTES' } },
    { name: 'arr', type: { kind: 'ARRAY', element: { kind: 'TIMESTAMP', precision: 3 } } },
    { name: 'm', type: { kind: 'MAP', key: { kind: 'STRING' }, value: { kind: 'BIGINT' } } },
    { name: 'r', type: { kind: 'ROW', fields: [{ name: 'x', type: { kind: 'DOUBLE' } }] } },
    { name: 'q"uote', type: { kind: 'ANY' } },
  ] as const;
  const values = (r: () => number): unknown[] => {
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const anyValue = (): unknown =>
      pick([null, undefined, 'x', 'é"\\\n\u2028', '', 0, -0, 1.5, NaN, Infinity, -1e21, 2n ** 70n, true, false, new Uint8Array([1, 255]), [1, 'a'], new Map([['k', 1n]]), { a: 1 }]);
    const ts = (): unknown =>
      pick([0, -1, -1.5, 1.7, 1700000000123, 1700000000123.9, -62167219200001, -62167219200000, 253402300799999, 253402300800000, 8.64e15, NaN, 17n, Math.floor(r() * 4e12) - 1e12]);
    return [
      r() < 0.9 ? pick(['a', 'ORD-1', 'naïve', 'tab\t"q"', '日本', '\ud800']) : anyValue(),
      r() < 0.9 ? pick([0, -5, 9007199254740991, 2n ** 63n - 1n, -(2n ** 63n)]) : anyValue(),
      r() < 0.9 ? Math.floor(r() * 1e6) : anyValue(),
      r() < 0.9 ? pick([0.1, -0, 1e21, 1e-7, 123.456, NaN, -Infinity]) : anyValue(),
      r() < 0.9 ? pick([12.25, 0, -3]) : anyValue(),
      r() < 0.9 ? r() < 0.5 : anyValue(),
      r() < 0.9 ? ts() : anyValue(),
      r() < 0.9 ? new Uint8Array([0, 1, 2]) : anyValue(),
      r() < 0.9 ? [ts(), null, ts()] : anyValue(),
      r() < 0.9 ? new Map<string, unknown>([['a', 1n << 60n], ['b', 2]]) : anyValue(),
      r() < 0.9 ? { x: 0.5 } : anyValue(),
      anyValue(),
    ];
  };

  it.each([
    ['no schema', undefined],
    [
      'a sink schema (order, date-time, absent columns)',
      JSON.stringify({ type: 'object', properties: { n: { type: 'string', format: 'date-time' }, s: { type: 'string' }, missing: { type: 'integer' }, ts: { type: 'string', format: 'date-time' } } }),
    ],
  ])('%s: 3,000 random rows give the same text or the same error', (_name, schema) => {
    const fast = createJsonRowEncoder(columns as unknown as Field[], schema);
    const reference = createReferenceJsonRowEncoder(columns as unknown as Field[], schema);
    const r = rng(7);
    const text = (f: () => Uint8Array): string => {
      try {
        return Buffer.from(f()).toString('utf8');
      } catch (e) {
        return `error ${(e as Error).name}: ${(e as Error).message}`;
      }
    };
    for (let n = 0; n < 3000; n++) {
      const row = values(r);
      expect(text(() => fast.encode(row))).toBe(text(() => reference.encode(row)));
    }
  });
});
