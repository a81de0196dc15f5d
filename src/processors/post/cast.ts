import { Decimal, fitDecimal, toDecimal } from '../../core/decimal.js';
import type { SqlType } from '../../core/types.js';

/**
 * Casts a value read from a response (JSON from HTTP, Elasticsearch and gRPC; a driver value from
 * PostgreSQL) to the SQL type of its output column, as Dagger's type handlers do with
 * `transformFromPostProcessor`: numbers written as strings become numbers, scalars become text for a
 * STRING field, a JSON object becomes a ROW with the message's fields (missing ones null), a list an ARRAY.
 * A value that cannot take the type is null: the row is still emitted, as Dagger leaves such a field at its
 * default.
 */
export function castToSql(v: unknown, t: SqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'ANY':
    case 'NULL':
      return v;
    case 'STRING':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
      if (v instanceof Date) return v.toISOString();
      return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
    case 'BOOLEAN':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') return v.trim().toLowerCase() === 'true';
      if (typeof v === 'number') return v !== 0;
      return null;
    case 'INT':
    case 'BIGINT': {
      if (typeof v === 'bigint') return t.kind === 'INT' ? Number(v) : v;
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) {
        if (t.kind === 'BIGINT' && typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
        return null;
      }
      return Math.trunc(n);
    }
    case 'DECIMAL': {
      const d = toDecimal(typeof v === 'string' ? v.trim() : v);
      return d === null ? null : fitDecimal(d, t.precision, t.scale);
    }
    case 'FLOAT':
    case 'DOUBLE': {
      if (v instanceof Decimal) return Number(v);
      const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      return Number.isNaN(n) ? null : n;
    }
    case 'TIMESTAMP': {
      if (typeof v === 'number') return v;
      if (v instanceof Date) return v.getTime();
      if (typeof v === 'string') {
        const ms = Date.parse(v);
        return Number.isNaN(ms) ? null : ms;
      }
      if (typeof v === 'object') {
        // A Timestamp message written as JSON: {"seconds": .., "nanos": ..}.
        const o = v as Record<string, unknown>;
        if ('seconds' in o) return Number(o['seconds']) * 1000 + Math.floor(Number(o['nanos'] ?? 0) / 1e6);
      }
      return null;
    }
    case 'BYTES':
      if (v instanceof Uint8Array) return v;
      if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
      return null;
    case 'ARRAY':
      return Array.isArray(v) ? v.map((x) => castToSql(x, t.element)) : null;
    case 'MAP': {
      if (v instanceof Map) return new Map([...v].map(([k, x]) => [castToSql(k, t.key), castToSql(x, t.value)]));
      if (typeof v === 'object' && !Array.isArray(v)) return new Map(Object.entries(v as object).map(([k, x]) => [castToSql(k, t.key), castToSql(x, t.value)]));
      return null;
    }
    case 'ROW': {
      if (isTimestampRow(t.fields)) return timestampRow(v);
      if (typeof v !== 'object' || Array.isArray(v)) return null;
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of t.fields) out[f.name] = castToSql(o[f.name] ?? o[camel(f.name)], f.type);
      return out;
    }
    default:
      return v;
  }
}

/** A google.protobuf.Timestamp field reads as ROW<seconds BIGINT, nanos INT> in Dirk, as in Dagger. */
function isTimestampRow(fields: readonly { name: string }[]): boolean {
  return fields.length === 2 && fields[0]!.name === 'seconds' && fields[1]!.name === 'nanos';
}

/** An RFC 3339 string (Elasticsearch, proto3 JSON), epoch milliseconds, or {seconds, nanos}. */
function timestampRow(v: unknown): unknown {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    return { seconds: Number(o['seconds'] ?? 0), nanos: Number(o['nanos'] ?? 0) };
  }
  let ms: number;
  let nanos: number | undefined;
  if (typeof v === 'number') ms = v;
  else if (typeof v === 'string') {
    ms = Date.parse(v);
    // Keep sub-millisecond digits that Date.parse drops: 2017-05-18T01:19:54.123456789Z.
    const frac = /\.(\d+)/.exec(v);
    if (frac) nanos = Number(frac[1]!.slice(0, 9).padEnd(9, '0'));
  } else return null;
  if (Number.isNaN(ms)) return null;
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: nanos ?? (ms - seconds * 1000) * 1e6 };
}

/** Proto3 JSON writes field `customer_id` as `customerId`; both spellings are read. */
function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
