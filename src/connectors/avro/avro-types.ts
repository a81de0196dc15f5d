/**
 * Avro schemas <-> SQL types, and the value conversions both ways.
 *
 * Avro -> SQL: boolean BOOLEAN, int INT, long BIGINT, float FLOAT, double DOUBLE, string / enum STRING,
 * bytes / fixed BYTES, record ROW, array ARRAY, map MAP<STRING, ...>; logical types: timestamp-millis,
 * timestamp-micros, local-timestamp-millis/-micros TIMESTAMP(3) (micros truncated to ms), decimal (bytes or
 * fixed) DECIMAL(p, s), date INT (days since 1970-01-01, Dirk has no DATE type), time-millis INT, uuid
 * STRING. A union of null and one type is that type, nullable; other unions are refused.
 * SQL -> Avro (the sink's schema): the reverse, every column nullable (`["null", T]`, default null),
 * TIMESTAMP as long timestamp-millis, DECIMAL as bytes decimal.
 */
import type avro from 'avsc';
import { createRequire } from 'node:module';
import { userError } from '../../core/errors.js';
import { canonicalInt64, T, typeToString, type Field, type SqlType } from '../../core/types.js';

/** An Avro schema as parsed JSON. */
export type AvroSchema = string | AvroSchema[] | { readonly type: AvroSchema; readonly [k: string]: unknown };
type AvroObject = Extract<AvroSchema, { type: AvroSchema }>;

// avsc is required with the first Avro schema, not with this module: every job's planner imports it.
const require = createRequire(import.meta.url);
let avsc: { lib: typeof avro; long: avro.types.LongType } | undefined;

/** avsc, and its long as BIGINT values: a number while safe, a bigint beyond 2^53 (avsc's own long would throw). */
function loadAvsc(): { lib: typeof avro; long: avro.types.LongType } {
  if (avsc) return avsc;
  const lib = require('avsc') as typeof avro;
  const long = lib.types.LongType.__with({
    fromBuffer: (buf: Buffer) => canonicalInt64(buf.readBigInt64LE()),
    toBuffer: (n: number | bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(typeof n === 'bigint' ? n : BigInt(Math.trunc(n)));
      return b;
    },
    fromJSON: (x: unknown) => (typeof x === 'string' ? canonicalInt64(BigInt(x)) : (x as number)),
    toJSON: (x: number | bigint) => (typeof x === 'bigint' ? Number(x) : x),
    isValid: (x: unknown) => typeof x === 'bigint' || (typeof x === 'number' && Number.isFinite(x)),
    compare: (a: number | bigint, b: number | bigint) => (a < b ? -1 : a > b ? 1 : 0),
  });
  return (avsc = { lib, long });
}

/** An avsc type for a schema, with Dirk's long. */
export function avroType(schema: AvroSchema | string): avro.Type {
  const parsed = typeof schema === 'string' && schema.trim().startsWith('{') ? (JSON.parse(schema) as avro.Schema) : (schema as avro.Schema);
  const { lib, long } = loadAvsc();
  // A hook rather than `registry: { long }`: avsc reads `{"type": "long", "logicalType": ...}` without the registry.
  return lib.Type.forSchema(parsed, {
    typeHook: (s) => (s === 'long' || (typeof s === 'object' && !Array.isArray(s) && (s as { type?: unknown }).type === 'long') ? long : undefined),
  });
}

/** Named types (records, enums, fixed) seen while walking one schema, by full and short name. */
type Names = Map<string, AvroObject>;

function collectNames(s: AvroSchema, names: Names, ns = ''): void {
  if (Array.isArray(s)) return s.forEach((x) => collectNames(x, names, ns));
  if (typeof s !== 'object') return;
  const t = s.type;
  if ((t === 'record' || t === 'error' || t === 'enum' || t === 'fixed') && typeof s['name'] === 'string') {
    const name = s['name'];
    const space = typeof s['namespace'] === 'string' ? s['namespace'] : name.includes('.') ? '' : ns;
    const full = name.includes('.') ? name : space ? `${space}.${name}` : name;
    names.set(full, s);
    names.set(full.slice(full.lastIndexOf('.') + 1), s);
    const inner = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
    if (t === 'record' || t === 'error') for (const f of (s['fields'] as { type: AvroSchema }[]) ?? []) collectNames(f.type, names, inner);
    return;
  }
  if (t === 'array') collectNames(s['items'] as AvroSchema, names, ns);
  else if (t === 'map') collectNames(s['values'] as AvroSchema, names, ns);
  else if (typeof t === 'object') collectNames(t, names, ns);
}

/** The schema behind a name reference, or the schema itself. */
function deref(s: AvroSchema, names: Names): AvroSchema {
  if (typeof s === 'string' && names.has(s)) return names.get(s)!;
  if (typeof s === 'object' && !Array.isArray(s) && typeof s.type === 'object') return { ...s.type, ...withoutType(s) } as AvroSchema;
  return s;
}
function withoutType(s: AvroObject): Record<string, unknown> {
  const { type: _t, ...rest } = s;
  return rest;
}

/** Splits `["null", T]`; a union of several non-null types is refused. */
function unwrapNullable(s: AvroSchema, where: string): { schema: AvroSchema; nullable: boolean } {
  if (!Array.isArray(s)) return { schema: s, nullable: s === 'null' };
  const others = s.filter((x) => x !== 'null');
  if (others.length !== 1) {
    throw userError(`${where}: the union ${JSON.stringify(s)} has ${others.length} non-null branches; Dirk maps only a union of null and one type`);
  }
  return { schema: others[0]!, nullable: others.length < s.length };
}

function logicalOf(s: AvroSchema): string | undefined {
  return typeof s === 'object' && !Array.isArray(s) && typeof s['logicalType'] === 'string' ? s['logicalType'] : undefined;
}
function baseOf(s: AvroSchema): string {
  if (typeof s === 'string') return s;
  if (Array.isArray(s)) return 'union';
  return typeof s.type === 'string' ? s.type : baseOf(s.type);
}

/** The SQL type of an Avro schema (after unwrapping `["null", T]`). */
export function sqlTypeOf(schema: AvroSchema, names: Names, where: string): SqlType {
  const s = deref(schema, names);
  const logical = logicalOf(s);
  const base = baseOf(s);
  if (logical === 'decimal' && (base === 'bytes' || base === 'fixed')) {
    const o = s as AvroObject;
    return T.decimal(Number(o['precision'] ?? 38), Number(o['scale'] ?? 0));
  }
  if (base === 'long' && logical && /^(local-)?timestamp-(millis|micros)$/.test(logical)) return T.TIMESTAMP;
  switch (base) {
    case 'boolean':
      return T.BOOLEAN;
    case 'int':
      return T.INT;
    case 'long':
      return T.BIGINT;
    case 'float':
      return T.FLOAT;
    case 'double':
      return T.DOUBLE;
    case 'string':
    case 'enum':
      return T.STRING;
    case 'bytes':
    case 'fixed':
      return T.BYTES;
    case 'null':
      return T.NULL;
    case 'array': {
      const items = unwrapNullable((s as AvroObject)['items'] as AvroSchema, `${where}[]`);
      return T.array(sqlTypeOf(items.schema, names, `${where}[]`));
    }
    case 'map': {
      const values = unwrapNullable((s as AvroObject)['values'] as AvroSchema, `${where}{}`);
      return T.map(T.STRING, sqlTypeOf(values.schema, names, `${where}{}`));
    }
    case 'record':
    case 'error':
      return T.row(recordFields(s as AvroObject, names, where));
    case 'union':
      return sqlTypeOf(unwrapNullable(s, where).schema, names, where);
    default:
      throw userError(`${where}: Avro type ${JSON.stringify(schema)} is not known`);
  }
}

function recordFields(s: AvroObject, names: Names, where: string): Field[] {
  return ((s['fields'] as { name: string; type: AvroSchema }[]) ?? []).map((f) => {
    const u = unwrapNullable(f.type, `${where}.${f.name}`);
    return { name: f.name, type: sqlTypeOf(u.schema, names, `${where}.${f.name}`), nullable: u.nullable };
  });
}

export interface AvroRecordInfo {
  readonly schema: AvroObject;
  readonly names: Names;
  readonly fields: readonly { readonly name: string; readonly type: AvroSchema }[];
}

/** Parses a top-level record schema (the registry's text); `where` names the key it came from. */
export function parseRecordSchema(text: string, where: string): AvroRecordInfo {
  let schema: AvroSchema;
  try {
    schema = JSON.parse(text) as AvroSchema;
    avroType(schema);
  } catch (e) {
    throw userError(`${where}: not a valid Avro schema: ${(e as Error).message}`);
  }
  const names: Names = new Map();
  collectNames(schema, names);
  const top = deref(schema, names);
  if (typeof top !== 'object' || Array.isArray(top) || (top.type !== 'record' && top.type !== 'error')) {
    throw userError(`${where}: the schema must be an Avro record (one column per field), found ${JSON.stringify(schema).slice(0, 80)}`);
  }
  return { schema: top, names, fields: (top['fields'] as { name: string; type: AvroSchema }[]) ?? [] };
}

/** The SQL columns of a record schema. */
export function recordColumns(info: AvroRecordInfo, where: string): Field[] {
  return recordFields(info.schema, info.names, where);
}

// ---- values: Avro (as avsc decodes it) -> SQL ----

/** A record's value converted field by field (either direction); absent fields become null. */
function recordConv(s: AvroObject, names: Names, convOf: (t: AvroSchema, names: Names) => Conv): Conv {
  const fields = ((s['fields'] as { name: string; type: AvroSchema }[]) ?? []).map((f) => [f.name, convOf(f.type, names)] as const);
  return (v) => {
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [name, c] of fields) {
      const x = src[name];
      out[name] = x === null || x === undefined ? null : c(x);
    }
    return out;
  };
}

export type Conv = (v: unknown) => unknown;
const same: Conv = (v) => v;

function decimalFromBytes(b: Uint8Array, scale: number): number {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  if (b.length > 0 && b[0]! & 0x80) n -= 1n << BigInt(b.length * 8);
  return scale === 0 ? Number(n) : Number(n) / 10 ** scale;
}

function decimalToBytes(v: number, scale: number, size?: number): Buffer {
  let n = BigInt(Math.round(v * 10 ** scale));
  const bytes: number[] = [];
  const negative = n < 0n;
  do {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  } while (negative ? n !== -1n || (bytes[0]! & 0x80) === 0 : n !== 0n || (bytes[0]! & 0x80) !== 0);
  if (size !== undefined) while (bytes.length < size) bytes.unshift(negative ? 0xff : 0);
  return Buffer.from(bytes);
}

/** Converts a decoded Avro value of `schema` into Dirk's value for its SQL type. */
export function fromAvro(schema: AvroSchema, names: Names): Conv {
  const u = unwrapNullable(deref(schema, names), 'value');
  const s = deref(u.schema, names);
  const logical = logicalOf(s);
  const base = baseOf(s);
  let conv: Conv;
  if (logical === 'decimal' && (base === 'bytes' || base === 'fixed')) {
    const scale = Number((s as AvroObject)['scale'] ?? 0);
    conv = (v) => decimalFromBytes(v as Uint8Array, scale);
  } else if (base === 'long' && logical?.endsWith('-micros')) conv = (v) => Math.floor(Number(v) / 1000);
  else if (base === 'long' && logical?.endsWith('-millis')) conv = (v) => Number(v);
  else if (base === 'array') {
    const item = fromAvro((s as AvroObject)['items'] as AvroSchema, names);
    conv = (v) => (v as unknown[]).map((x) => (x === null ? null : item(x)));
  } else if (base === 'map') {
    const value = fromAvro((s as AvroObject)['values'] as AvroSchema, names);
    conv = (v) => new Map(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, x === null ? null : value(x)]));
  } else if (base === 'record' || base === 'error') {
    conv = recordConv(s as AvroObject, names, fromAvro);
  } else conv = same;
  return conv;
}

// ---- values: SQL -> Avro (what avsc encodes) ----

/** Converts Dirk's value into what avsc writes for `schema`; null stays null (a nullable union). */
export function toAvro(schema: AvroSchema, names: Names): Conv {
  const u = unwrapNullable(deref(schema, names), 'value');
  const s = deref(u.schema, names);
  const logical = logicalOf(s);
  const base = baseOf(s);
  if (logical === 'decimal' && (base === 'bytes' || base === 'fixed')) {
    const scale = Number((s as AvroObject)['scale'] ?? 0);
    const size = base === 'fixed' ? Number((s as AvroObject)['size']) : undefined;
    return (v) => decimalToBytes(Number(v), scale, size);
  }
  if (base === 'long' && logical?.endsWith('-micros')) return (v) => BigInt(Math.trunc(Number(v))) * 1000n;
  if (base === 'long' && logical?.endsWith('-millis')) return (v) => Math.trunc(Number(v));
  switch (base) {
    case 'int':
      return (v) => Number(v);
    case 'float':
    case 'double':
      return (v) => Number(v);
    case 'string':
      return (v) => (typeof v === 'string' ? v : String(v));
    case 'bytes':
    case 'fixed':
      return (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array));
    case 'array': {
      const item = toAvro((s as AvroObject)['items'] as AvroSchema, names);
      return (v) => (v as unknown[]).map((x) => (x === null || x === undefined ? null : item(x)));
    }
    case 'map': {
      const value = toAvro((s as AvroObject)['values'] as AvroSchema, names);
      return (v) => {
        const out: Record<string, unknown> = {};
        const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as Record<string, unknown>);
        for (const [k, x] of entries) out[String(k)] = x === null || x === undefined ? null : value(x);
        return out;
      };
    }
    case 'record':
    case 'error': {
      return recordConv(s as AvroObject, names, toAvro);
    }
    default:
      return same;
  }
}

// ---- the sink's schema from the result columns ----

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An Avro record schema for the result columns (Flink's avro-confluent derives one the same way). */
export function schemaForColumns(columns: readonly Field[], recordName = 'record'): AvroObject {
  const record = (fields: readonly Field[], name: string, where: string): AvroObject => ({
    type: 'record',
    name,
    fields: fields.map((f) => {
      if (!AVRO_NAME.test(f.name)) {
        throw userError(`${where}column "${f.name}" is not a valid Avro field name (letters, digits and _, not starting with a digit); rename it with AS in the query`);
      }
      return { name: f.name, type: ['null', typeFor(f.type, `${name}_${f.name}`, `${where}${f.name}.`)], default: null };
    }),
  });
  const typeFor = (t: SqlType, name: string, where: string): AvroSchema => {
    switch (t.kind) {
      case 'BOOLEAN':
        return 'boolean';
      case 'INT':
        return 'int';
      case 'BIGINT':
        return 'long';
      case 'FLOAT':
        return 'float';
      case 'DOUBLE':
        return 'double';
      case 'DECIMAL':
        return { type: 'bytes', logicalType: 'decimal', precision: t.precision, scale: t.scale };
      case 'STRING':
        return 'string';
      case 'BYTES':
        return 'bytes';
      case 'TIMESTAMP':
        return { type: 'long', logicalType: 'timestamp-millis' };
      case 'ARRAY':
        return { type: 'array', items: ['null', typeFor(t.element, name, where)] };
      case 'MAP':
        if (t.key.kind !== 'STRING') throw userError(`${where.slice(0, -1)}: ${typeToString(t)} has non-string keys; Avro maps have string keys`);
        return { type: 'map', values: ['null', typeFor(t.value, name, where)] };
      case 'ROW':
        return record(t.fields, name, where);
      case 'NULL':
      case 'ANY':
        throw userError(`${where.slice(0, -1) || 'a column'}: type ${typeToString(t)} has no Avro counterpart; CAST it in the query`);
    }
  };
  return record(columns, recordName, '');
}

export type { Names };
