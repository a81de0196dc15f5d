/**
 * The generated JSON record decoder: one function per (table, columns the query reads), as for protobuf.
 *
 * It reads the record's bytes once (json-scanner.ts): property names are matched on their bytes by a
 * generated `switch` on length then bytes, the value of a property the query reads is converted in place
 * (strings, integers, numbers, booleans and date-times without an intermediate object; integers beyond
 * 2^53 exact as bigint), and every other value is skipped with its syntax checked but nothing built. No
 * regex runs per record; the common date-time shapes are read from the bytes.
 *
 * Anything it does not handle on its own (a nested value, a type mismatch, an unusual date-time, bad JSON)
 * goes to the reference decoder (`json-codec.ts`), so results and error messages are the codec's own.
 */
import type { Row, SqlType } from '../core/types.js';
import { JSON_SYNTAX, JsonScanner, StringCache } from './json-scanner.js';

/** How the generated code reads one property. */
export type JsonSlotKind = 'string' | 'bigint' | 'int' | 'double' | 'boolean' | 'timestamp' | 'other';

export interface JsonSlot {
  readonly name: string;
  /** The row position it fills; undefined when it feeds only the rowtime. */
  readonly column: number | undefined;
  readonly type: SqlType | undefined;
  /** The converter of the reference codec, for values the fast path does not read itself. */
  readonly conv: ((v: unknown, path: string) => unknown) | undefined;
  /** This property also (or only) feeds the rowtime. */
  readonly rowtime: boolean;
}

export interface GeneratedJsonDecoderSpec {
  readonly width: number;
  readonly slots: readonly JsonSlot[];
  readonly rowtimeIndex: number | undefined;
  /** The reference codec's rowtime reader (epoch seconds or milliseconds, or a date-time string). */
  readonly rowtimeMs: (v: unknown, name: string) => number;
  /** Milliseconds per unit of a number in the rowtime property: 1000 (epoch seconds, Dagger's) or 1. */
  readonly rowtimeScale?: number;
  /** The reference codec's TIMESTAMP reader for a string. */
  readonly timestampMs: (v: unknown, path: string) => number;
  /** The reference decoder: used for any record the generated code does not handle alone. */
  readonly fallback: (bytes: Uint8Array) => Row;
}

function slotKind(t: SqlType | undefined): JsonSlotKind {
  switch (t?.kind) {
    case 'STRING':
      return 'string';
    case 'BIGINT':
      return 'bigint';
    case 'INT':
      return 'int';
    case 'DOUBLE':
    case 'FLOAT':
      return 'double';
    case 'BOOLEAN':
      return 'boolean';
    case 'TIMESTAMP':
      return 'timestamp';
    default:
      return 'other';
  }
}

const NUMBER_START = '(c === 45 || (c >= 48 && c <= 57))';

/** The code that reads the value of slot `k` (the scanner at the value's first byte, `c` that byte). */
function slotCode(slot: JsonSlot, k: number, rowtimeScale: number): string {
  const name = JSON.stringify(slot.name);
  const generic = `{ const v = S.value(); ${slot.column !== undefined ? `row[${slot.column}] = v === null ? null : C[${k}](v, ${name});` : ''}${
    slot.rowtime ? ` rt = RT(v, ${name}); hasRt = true;` : ''
  } }`;
  if (slot.rowtime) {
    if (slot.column !== undefined) {
      // One property for a column and the rowtime: the common date-time string read once for both.
      const kind = slotKind(slot.type);
      if (kind === 'timestamp') return `if (c === 34) { const ms = S.isoTimestamp(); if (ms === ms) { row[${slot.column}] = ms; rt = ms; hasRt = true; } else ${generic} } else ${generic}`;
      if (kind === 'string') {
        return `if (c === 34) { const s0 = S.p; const ms = S.isoTimestamp(); if (ms === ms) { row[${slot.column}] = S.b.latin1Slice(s0 + 1, S.p - 1); rt = ms; hasRt = true; } else ${generic} } else ${generic}`;
      }
      return generic;
    }
    // Rowtime only: epoch seconds (whole seconds) or milliseconds, or a date-time string.
    return `if (${NUMBER_START}) { const v = S.number(); const x = typeof v === 'bigint' ? Number(v) * ${rowtimeScale} : Math.trunc(v) * ${rowtimeScale}; if (!Number.isFinite(x)) throw SYNTAX; rt = x; hasRt = true; }
        else if (c === 34) { const ms = S.isoTimestamp(); if (ms === ms) rt = ms; else rt = RT(S.string(), ${name}); hasRt = true; }
        else ${generic}`;
  }
  const i = slot.column!;
  switch (slotKind(slot.type)) {
    case 'string':
      return `if (c === 34) row[${i}] = S.stringCached(SC[${k}]); else ${generic}`;
    case 'bigint':
      return `if (${NUMBER_START}) { const v = S.number(); row[${i}] = S.intLiteral || Number.isInteger(v) ? v : Math.trunc(v); } else ${generic}`;
    case 'int':
      return `if (${NUMBER_START}) { const v = S.number(); row[${i}] = typeof v === 'bigint' ? Number(v) : S.intLiteral || Number.isInteger(v) ? v : Math.trunc(v); } else ${generic}`;
    case 'double':
      return `if (${NUMBER_START}) row[${i}] = S.double(); else ${generic}`;
    case 'boolean':
      return `if (c === 116) { S.literal('true'); row[${i}] = true; } else if (c === 102) { S.literal('false'); row[${i}] = false; } else ${generic}`;
    case 'timestamp':
      return `if (c === 34) { const ms = S.isoTimestamp(); row[${i}] = ms === ms ? ms : TS(S.string(), ${name}); } else ${generic}`;
    default:
      return generic;
  }
}

/** `switch` on the name's byte length, then its bytes: the slot number, or -1 for a property nobody reads. */
function keyMatchCode(slots: readonly JsonSlot[]): string {
  const byLength = new Map<number, Array<[number, Buffer]>>();
  slots.forEach((s, k) => {
    const bytes = Buffer.from(s.name, 'utf8');
    const list = byLength.get(bytes.length) ?? [];
    list.push([k, bytes]);
    byLength.set(bytes.length, list);
  });
  const cases = [...byLength].map(([len, list]) => {
    const tests = list.map(([k, bytes]) => {
      const cond = [...bytes].map((x, j) => `b[s + ${j}] === ${x}`).join(' && ');
      return `if (${cond || 'true'}) return ${k};`;
    });
    return `case ${len}: ${tests.join(' ')} return -1;`;
  });
  return `switch (e - s) { ${cases.join('\n')} default: return -1; }`;
}

export interface GeneratedJsonDecoder {
  decode(bytes: Uint8Array): Row;
  /** Records handed to the reference decoder so far (tests check the common shapes never are). */
  readonly stats: { fallbacks: number };
}

export function generateJsonDecoder(spec: GeneratedJsonDecoderSpec): GeneratedJsonDecoder {
  const { slots } = spec;
  const byName = new Map(slots.map((s, k) => [s.name, k]));
  const rowtime = spec.rowtimeIndex;
  const body = `'use strict';
  function keyOf(b, s, e) { ${keyMatchCode(slots)} }
  function run(S) {
    const b = S.b;
    const row = [${new Array<string>(spec.width).fill('null').join(', ')}];
    let rt = 0, hasRt = false;
    S.ws();
    S.expect(123);
    S.ws();
    if (b[S.p] === 125) S.p++;
    else for (;;) {
      if (b[S.p] !== 34) throw SYNTAX;
      const ks = S.p + 1;
      const flags = S.skipString();
      const k = flags & 1 ? NAMED(S.b.utf8Slice(ks - 1, S.p)) : keyOf(b, ks, S.p - 1);
      S.ws();
      S.expect(58);
      S.ws();
      const c = b[S.p];
      switch (k) {
        ${slots.map((s, k) => `case ${k}: ${slotCode(s, k, spec.rowtimeScale ?? 1000)} break;`).join('\n        ')}
        default: S.skip();
      }
      S.ws();
      const d = b[S.p++];
      if (d === 125) break;
      if (d !== 44) throw SYNTAX;
      S.ws();
    }
    S.ws();
    if (S.p !== S.n) throw SYNTAX;
    ${rowtime !== undefined ? `if (!hasRt) throw SYNTAX; row[${rowtime}] = rt;` : ''}
    return row;
  }
  return run;`;
  const named = (quoted: string): number => byName.get(JSON.parse(quoted) as string) ?? -1;
  const run = new Function('SYNTAX', 'C', 'RT', 'TS', 'NAMED', 'SC', body)(
    JSON_SYNTAX,
    slots.map((s) => s.conv),
    spec.rowtimeMs,
    spec.timestampMs,
    named,
    slots.map(() => new StringCache()),
  ) as (s: JsonScanner) => Row;
  const scanner = new JsonScanner();
  const fallback = spec.fallback;
  const stats = { fallbacks: 0 };
  return {
    stats,
    decode(bytes: Uint8Array): Row {
      const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      scanner.reset(b);
      try {
        return run(scanner);
      } catch {
        // Bad JSON, a mismatch or something unusual: the reference decoder decides (and words any error).
        stats.fallbacks++;
        return fallback(bytes);
      } finally {
        scanner.reset(EMPTY);
      }
    },
  };
}

const EMPTY = Buffer.alloc(0);
