/**
 * JSON records (Dagger's INPUT_DATATYPE=JSON and SINK_KAFKA_DATA_TYPE=JSON).
 *
 * The table comes from a JSON Schema (INPUT_SCHEMA_JSON_SCHEMA): an object whose properties become the
 * columns in declaration order, then the rowtime column taken from INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME
 * (epoch seconds, truncated to whole seconds as Dagger does, or a date-time string). Absent properties
 * read null. Integers beyond 2^53 are kept exact (bigint).
 */
import { Decimal, decimalToJavaString, fitDecimal, parseDecimal, rescale, toDecimal } from '../core/decimal.js';
import { closest, DecodeError, userError } from '../core/errors.js';
import { T, type Field, type Row, type SqlType, type TableSchema } from '../core/types.js';
import type { RowDecoder } from './proto-decoder.js';
import type { RowEncoder } from './proto-encoder.js';
import { generateJsonDecoder, type JsonSlot } from './json-decoder.js';
import { generateJsonEncoder, type EncoderPlan, type JsonTimestampFormat } from './json-encoder.js';

type JsonSchema = {
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema | JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  $ref?: string;
  enum?: unknown[];
  contentEncoding?: string;
};

const SCHEMA_KEY = 'INPUT_SCHEMA_JSON_SCHEMA';
const ROWTIME_KEY = 'INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_FIELD_NAME';

function parseSchema(text: string, key: string): JsonSchema {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (e) {
    throw userError(`${key} is not valid JSON: ${(e as Error).message}`, { key });
  }
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw userError(`${key} must be a JSON Schema object, found ${Array.isArray(schema) ? 'an array' : typeof schema}`, { key });
  }
  const s = schema as JsonSchema;
  if (!s.properties || typeof s.properties !== 'object') {
    throw userError(`${key} must describe an object with "properties" (one per column)`, { key });
  }
  return s;
}

function resolveRef(root: JsonSchema, s: JsonSchema, key: string, depth = 0): JsonSchema {
  if (s.$ref === undefined) return s;
  if (!s.$ref.startsWith('#') || depth > 32) throw userError(`${key}: only local $ref ("#/...") is supported, found "${s.$ref}"`, { key });
  let node: unknown = root;
  for (const part of s.$ref.slice(1).split('/').filter(Boolean)) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (node === undefined || node === null || typeof node !== 'object') throw userError(`${key}: $ref "${s.$ref}" does not resolve`, { key });
  return resolveRef(root, node as JsonSchema, key, depth + 1);
}

/** JSON Schema -> SQL type (see docs/schemas.md). */
function jsonSqlType(root: JsonSchema, raw: JsonSchema, key: string, depth = 0): SqlType {
  if (depth > 64) throw userError(`${key}: schema nests too deeply (recursive $ref?)`, { key });
  const s = resolveRef(root, raw, key);
  let types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  types = types.filter((t) => t !== 'null');
  if (types.length === 0) {
    if (s.properties) types = ['object'];
    else if (s.items) types = ['array'];
    else if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string')) types = ['string'];
    else return s.type === 'null' ? T.NULL : T.ANY;
  }
  if (types.length > 1) return T.ANY;
  // written by a SQL script's CREATE TABLE for the types JSON Schema cannot state
  const sqlType = (s as { 'x-sql-type'?: unknown })['x-sql-type'];
  if (sqlType === 'INT') return T.INT;
  const dec = typeof sqlType === 'string' ? /^DECIMAL\((\d+), (\d+)\)$/.exec(sqlType) : null;
  if (dec) return T.decimal(Number(dec[1]), Number(dec[2]));
  switch (types[0]) {
    case 'string':
      if (s.format === 'date-time') return T.TIMESTAMP;
      if (s.contentEncoding === 'base64') return T.BYTES;
      return T.STRING;
    case 'integer':
      return T.BIGINT;
    case 'number':
      return T.DOUBLE;
    case 'boolean':
      return T.BOOLEAN;
    case 'array': {
      const items = Array.isArray(s.items) ? s.items[0] : s.items;
      return T.array(items ? jsonSqlType(root, items, key, depth + 1) : T.ANY);
    }
    case 'object': {
      if (s.properties) {
        return T.row(
          Object.entries(s.properties).map(([name, p]) => ({ name, type: jsonSqlType(root, p, key, depth + 1), nullable: true })),
        );
      }
      const ap = s.additionalProperties;
      return T.map(T.STRING, ap && typeof ap === 'object' ? jsonSqlType(root, ap, key, depth + 1) : T.ANY);
    }
    default:
      throw userError(`${key}: unsupported JSON Schema type "${String(types[0])}"`, { key });
  }
}

/** Which property feeds the rowtime of a table built by jsonTableSchema. */
const jsonRowtimeSources = new WeakMap<TableSchema, string>();
/** Tables whose event-time property holds epoch milliseconds rather than Dagger's epoch seconds. */
const jsonRowtimeInMillis = new WeakSet<TableSchema>();

/** `to` (a copy of `from` with other flags) reads its rowtime from the same property. */
export function aliasJsonTable(from: TableSchema, to: TableSchema): void {
  const v = jsonRowtimeSources.get(from);
  if (v !== undefined) jsonRowtimeSources.set(to, v);
  if (jsonRowtimeInMillis.has(from)) jsonRowtimeInMillis.add(to);
}

export interface JsonTableOptions {
  readonly table: string;
  readonly rowtimeFieldName?: string;
  readonly rowtimeName: string;
  /** A number in the event-time property counts epoch seconds (Dagger's rule, the default) or milliseconds. */
  readonly rowtimeUnit?: 'SECONDS' | 'MILLISECONDS';
}

export function jsonTableSchema(jsonSchema: string, opts: JsonTableOptions): TableSchema {
  const root = parseSchema(jsonSchema, SCHEMA_KEY);
  const columns: Field[] = Object.entries(root.properties!).map(([name, p]) => ({
    name,
    type: jsonSqlType(root, p, SCHEMA_KEY),
    nullable: true,
  }));
  if (opts.rowtimeFieldName === undefined) return { name: opts.table, columns, rowtimeIndex: undefined };
  const src = columns.find((c) => c.name === opts.rowtimeFieldName);
  if (!src) {
    const hint = closest(opts.rowtimeFieldName, columns.map((c) => c.name));
    throw userError(
      `${ROWTIME_KEY} = "${opts.rowtimeFieldName}" is not a property of ${SCHEMA_KEY}` +
        `${hint ? `; did you mean "${hint}"?` : ''} (properties: ${columns.map((c) => c.name).join(', ')})`,
      { key: ROWTIME_KEY },
    );
  }
  if (!['BIGINT', 'DOUBLE', 'STRING', 'TIMESTAMP', 'ANY'].includes(src.type.kind)) {
    throw userError(
      `${ROWTIME_KEY} = "${opts.rowtimeFieldName}": the property must hold epoch seconds (integer/number) or a timestamp string, its schema type maps to ${src.type.kind}`,
      { key: ROWTIME_KEY },
    );
  }
  let rowtimeIndex: number;
  if (opts.rowtimeName === opts.rowtimeFieldName) {
    // The event-time property named as the rowtime itself (a SQL script's WATERMARK FOR ts): it becomes the
    // rowtime where it is declared, so `SELECT *` and INSERT INTO by position see the DDL's column order.
    rowtimeIndex = columns.indexOf(src);
    columns[rowtimeIndex] = { name: opts.rowtimeName, type: T.ROWTIME, nullable: false };
  } else {
    if (columns.some((c) => c.name === opts.rowtimeName)) {
      throw userError(`the rowtime column "${opts.rowtimeName}" clashes with a JSON property of the same name`, {
        key: 'FLINK_ROWTIME_ATTRIBUTE_NAME',
      });
    }
    // Dagger's layout: the properties, then the rowtime column fed from the event-timestamp property.
    columns.push({ name: opts.rowtimeName, type: T.ROWTIME, nullable: false });
    rowtimeIndex = columns.length - 1;
  }
  const table: TableSchema = { name: opts.table, columns, rowtimeIndex };
  jsonRowtimeSources.set(table, opts.rowtimeFieldName);
  if (opts.rowtimeUnit === 'MILLISECONDS') jsonRowtimeInMillis.add(table);
  return table;
}

// ---- decoding ----

/** A JSON parser that keeps integers beyond 2^53 exact (as bigint); used only when the text has long digit runs. */
function parseJsonExact(text: string): unknown {
  let i = 0;
  const fail = (msg: string): never => {
    throw new SyntaxError(`${msg} at position ${i}`);
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a property name');
        const k = str();
        ws();
        if (text[i++] !== ':') fail('expected ":"');
        o[k] = value();
        ws();
        const d = text[i++];
        if (d === '}') return o;
        if (d !== ',') fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const a: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        const d = text[i++];
        if (d === ']') return a;
        if (d !== ',') fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('null', i)) return (i += 4), null;
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    // more significant digits than a double holds: kept exact for DECIMAL columns (others read it as a number)
    const digits = m[0].replace(/[eE].*$/, '').replace(/[-.]/g, '').replace(/^0+/, '');
    return digits.length > 15 ? (parseDecimal(m[0]) ?? Number(m[0])) : Number(m[0]);
  };
  const str = (): string => {
    const start = i;
    i++;
    for (;;) {
      const c = text[i++];
      if (c === undefined) fail('unterminated string');
      if (c === '\\') i++;
      else if (c === '"') break;
    }
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i !== text.length) fail('unexpected text after the JSON value');
  return v;
}

const LONG_DIGITS = /\d[\d.]{15,}/;
const utf8 = new TextDecoder('utf-8');

export function parseJsonRecord(bytes: Uint8Array | string): unknown {
  const text = typeof bytes === 'string' ? bytes : utf8.decode(bytes);
  return LONG_DIGITS.test(text) ? parseJsonExact(text) : JSON.parse(text);
}

type Conv = (v: unknown, path: string) => unknown;

function mismatch(path: string, v: unknown, expected: string): never {
  const shown = typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v) : typeof v === 'bigint' ? String(v) : JSON.stringify(v);
  throw new DecodeError(`JSON field ${path}: expected ${expected}, found ${shown}`);
}

/**
 * Date.parse reads '2026-01-01T09:00:00' (no zone) as local time; Dirk, like Dagger, runs in UTC, so a
 * date-time without a zone designator is read as UTC.
 */
function parseUtc(text: string): number {
  const s = text.trim();
  const dateTime = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(s);
  const zoned = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/.test(s);
  return Date.parse(dateTime && !zoned ? `${s.replace(' ', 'T')}Z` : s);
}

function timestampMs(v: unknown, path: string): number {
  if (typeof v === 'number') return v * 1000;
  if (typeof v === 'bigint') return Number(v) * 1000;
  if (typeof v === 'string') {
    const ms = parseUtc(v);
    if (!Number.isNaN(ms)) return ms;
  }
  return mismatch(path, v, 'a date-time string');
}

function converter(t: SqlType): Conv {
  switch (t.kind) {
    case 'BIGINT':
    case 'INT':
      return (v, p) => {
        if (typeof v === 'number') return Number.isInteger(v) ? v : Math.trunc(v);
        if (typeof v === 'bigint') return t.kind === 'INT' ? Number(v) : v;
        if (v instanceof Decimal) return Math.trunc(Number(v));
        if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) {
          const b = BigInt(v.trim());
          return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
        }
        return mismatch(p, v, 'an integer');
      };
    case 'DECIMAL':
      // exact: a JSON number (kept exact when it has more digits than a double) or numeric text
      return (v, p) => {
        const d = typeof v === 'string' ? toDecimal(v.trim()) : toDecimal(v);
        if (d === null || typeof v === 'boolean') return mismatch(p, v, 'a number');
        const fitted = fitDecimal(d, t.precision, t.scale);
        return fitted === null ? mismatch(p, v, `a number that fits DECIMAL(${t.precision}, ${t.scale})`) : fitted;
      };
    case 'DOUBLE':
    case 'FLOAT':
      return (v, p) => {
        if (typeof v === 'number') return v;
        if (typeof v === 'bigint' || v instanceof Decimal) return Number(v);
        if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
        return mismatch(p, v, 'a number');
      };
    case 'BOOLEAN':
      return (v, p) => {
        if (typeof v === 'boolean') return v;
        if (v === 'true' || v === 'false') return v === 'true';
        return mismatch(p, v, 'a boolean');
      };
    case 'STRING':
      return (v) => (typeof v === 'string' ? v : typeof v === 'object' ? stringifyJson(v) : String(v));
    case 'BYTES':
      return (v, p) => (typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'base64')) : mismatch(p, v, 'a base64 string'));
    case 'TIMESTAMP':
      return timestampMs;
    case 'ARRAY': {
      const el = converter(t.element);
      return (v, p) => {
        if (!Array.isArray(v)) return mismatch(p, v, 'an array');
        return v.map((x, i) => (x === null || x === undefined ? null : el(x, `${p}[${i}]`)));
      };
    }
    case 'MAP': {
      const val = converter(t.value);
      return (v, p) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return mismatch(p, v, 'an object');
        const m = new Map<string, unknown>();
        for (const [k, x] of Object.entries(v)) m.set(k, x === null ? null : val(x, `${p}.${k}`));
        return m;
      };
    }
    case 'ROW': {
      const fields = t.fields.map((f) => [f.name, converter(f.type)] as const);
      return (v, p) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return mismatch(p, v, 'an object');
        const src = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const [name, conv] of fields) {
          const x = src[name];
          out[name] = x === null || x === undefined ? null : conv(x, `${p}.${name}`);
        }
        return out;
      };
    }
    case 'NULL':
      return () => null;
    case 'ANY':
      return (v) => v;
  }
}

export interface JsonDecoderOptions {
  /** Indexes into `table.columns` the query reads; others stay null. Default: all. */
  columns?: ReadonlySet<number>;
  /** The property that feeds the rowtime; defaults to the one given to jsonTableSchema. */
  rowtimeFieldName?: string;
}

/**
 * The decoder for a JSON table: generated per (table, columns read) by json-decoder.ts, which hands any
 * record it does not handle alone to the reference decoder below (same results, same errors).
 */
export function createJsonRowDecoder(table: TableSchema, opts: JsonDecoderOptions = {}): RowDecoder {
  const reference = createReferenceJsonRowDecoder(table, opts);
  const rowtimeProp = opts.rowtimeFieldName ?? jsonRowtimeSources.get(table);
  const rowtimeIndex = table.rowtimeIndex;
  const slots: JsonSlot[] = [];
  table.columns.forEach((c, i) => {
    if (i === rowtimeIndex) return;
    if (opts.columns && !opts.columns.has(i)) return;
    slots.push({ name: c.name, column: i, type: c.type, conv: converter(c.type), rowtime: rowtimeIndex !== undefined && c.name === rowtimeProp });
  });
  if (rowtimeIndex !== undefined && !slots.some((s) => s.rowtime)) {
    slots.push({ name: rowtimeProp!, column: undefined, type: undefined, conv: undefined, rowtime: true });
  }
  return generateJsonDecoder({
    width: table.columns.length,
    slots,
    rowtimeIndex,
    rowtimeMs: jsonRowtimeInMillis.has(table) ? rowtimeFromMillis : rowtimeMs,
    rowtimeScale: jsonRowtimeInMillis.has(table) ? 1 : 1000,
    timestampMs,
    fallback: (bytes) => reference.decode(bytes),
  });
}

/** The reference JSON decoder: parses the whole record into objects, then converts the columns read. */
export function createReferenceJsonRowDecoder(table: TableSchema, opts: JsonDecoderOptions = {}): RowDecoder {
  const rowtimeProp = opts.rowtimeFieldName ?? jsonRowtimeSources.get(table);
  if (table.rowtimeIndex !== undefined && rowtimeProp === undefined) {
    throw userError(`table ${table.name} has a rowtime column but no ${ROWTIME_KEY} to fill it from`, { key: ROWTIME_KEY });
  }
  const plan: Array<[index: number, name: string, conv: Conv]> = [];
  table.columns.forEach((c, i) => {
    if (i === table.rowtimeIndex) return;
    if (opts.columns && !opts.columns.has(i)) return;
    plan.push([i, c.name, converter(c.type)]);
  });
  const width = table.columns.length;
  const rowtimeIndex = table.rowtimeIndex;
  const rowtimeOf = jsonRowtimeInMillis.has(table) ? rowtimeFromMillis : rowtimeMs;
  return {
    decode(bytes: Uint8Array): Row {
      let obj: unknown;
      try {
        obj = parseJsonRecord(bytes);
      } catch (e) {
        throw new DecodeError(`cannot decode JSON record: ${(e as Error).message}`, e);
      }
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
        throw new DecodeError(`cannot decode JSON record: expected an object, found ${Array.isArray(obj) ? 'an array' : String(obj)}`);
      }
      const src = obj as Record<string, unknown>;
      const row: Row = new Array<unknown>(width).fill(null);
      for (let k = 0; k < plan.length; k++) {
        const [i, name, conv] = plan[k]!;
        const v = src[name];
        if (v !== null && v !== undefined) row[i] = conv(v, name);
      }
      if (rowtimeIndex !== undefined) row[rowtimeIndex] = rowtimeOf(src[rowtimeProp!], rowtimeProp!);
      return row;
    },
  };
}

/** INPUT_SCHEMA_JSON_EVENT_TIMESTAMP_UNIT=MILLISECONDS: a number is epoch milliseconds, a string a timestamp. */
function rowtimeFromMillis(v: unknown, name: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Math.trunc(Number(v.trim()));
  return rowtimeMs(v, name);
}

/** Dagger: a number is epoch seconds (whole seconds), a string a timestamp. */
function rowtimeMs(v: unknown, name: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v) * 1000;
  if (typeof v === 'bigint') return Number(v) * 1000;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^-?\d+(\.\d+)?$/.test(s)) return Math.trunc(Number(s)) * 1000;
    const ms = parseUtc(s);
    if (!Number.isNaN(ms)) return ms;
  }
  if (v === undefined || v === null) throw new DecodeError(`JSON record has no rowtime field "${name}"`);
  return mismatch(name, v, 'epoch seconds or a timestamp string for the rowtime');
}

// ---- encoding ----

/** JSON text of a SQL value: bigint exact, Map as object, bytes base64, Date as ISO. */
export function stringifyJson(v: unknown, t?: SqlType): string {
  if (v === null || v === undefined) return 'null';
  if (t?.kind === 'TIMESTAMP' && (typeof v === 'number' || typeof v === 'bigint')) {
    const ms = Number(v);
    return Number.isFinite(ms) ? JSON.stringify(new Date(ms).toISOString()) : 'null';
  }
  // a DECIMAL as a JSON number, written as Flink's JSON format writes it (Java's BigDecimal.toString)
  if (v instanceof Decimal) return decimalToJavaString(t?.kind === 'DECIMAL' ? rescale(v, t.scale) : v);
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    default:
      return 'null';
  }
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) {
    const el = t?.kind === 'ARRAY' ? t.element : undefined;
    return `[${v.map((x) => stringifyJson(x, el)).join(',')}]`;
  }
  if (v instanceof Map) {
    const vt = t?.kind === 'MAP' ? t.value : undefined;
    return `{${[...v].map(([k, x]) => `${JSON.stringify(String(k))}:${stringifyJson(x, vt)}`).join(',')}}`;
  }
  const fieldTypes = t?.kind === 'ROW' ? new Map(t.fields.map((f) => [f.name, f.type])) : undefined;
  return `{${Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => `${JSON.stringify(k)}:${stringifyJson(x, fieldTypes?.get(k))}`)
    .join(',')}}`;
}

/**
 * Writes one JSON object per row. Without a schema, every column is written under its name. With a
 * schema (SINK_KAFKA_JSON_SCHEMA), the schema's properties are written in its order, each from the column
 * of the same name (absent columns as null); a date-time property takes a TIMESTAMP as an ISO-8601 string.
 */
export function createJsonRowEncoder(columns: readonly Field[], jsonSchema?: string, timestampFormat: JsonTimestampFormat = 'RFC3339'): RowEncoder {
  const separator = timestampFormat === 'SQL' ? ' ' : 'T';
  return generateJsonEncoder({
    plan: encoderPlan(columns, jsonSchema),
    timestampFormat,
    stringify: stringifyJson,
    flinkTimestamp: (ms, t) => flinkTimestampText(ms, separator, t?.kind === 'TIMESTAMP' && t.proctime === true),
  });
}

/**
 * How a TIMESTAMP column is written: `RFC3339` is Dirk's and Dagger's `2024-01-02T03:04:05.600Z` (always three
 * fraction digits); `SQL` and `ISO-8601` are Flink's json format's `json.timestamp-format.standard` values:
 * `2024-01-02 03:04:05.6` and `2024-01-02T03:04:05.6`, the fraction with as few digits as it needs (none for
 * a whole second), and a trailing `Z` only for TIMESTAMP_LTZ (Dirk's PROCTIME columns).
 */
export type { JsonTimestampFormat };

/** JSON text of a TIMESTAMP (epoch ms) in Flink's SQL or ISO-8601 form. */
function flinkTimestampText(ms: number, separator: ' ' | 'T', ltz: boolean): string {
  if (!Number.isFinite(ms)) return 'null';
  const iso = new Date(Math.trunc(ms)).toISOString(); // yyyy-mm-ddThh:mm:ss.fffZ (years 0000-9999)
  if (iso.length !== 24) return JSON.stringify(iso);
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `"${iso.slice(0, 10)}${separator}${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}${ltz ? 'Z' : ''}"`;
}

/** The reference encoder (one stringifyJson call per column); the generated one writes the same text. */
export function createReferenceJsonRowEncoder(columns: readonly Field[], jsonSchema?: string): RowEncoder {
  const plan = encoderPlan(columns, jsonSchema);
  const keys = plan.map(([k]) => `${JSON.stringify(k)}:`);
  return {
    encode(row: Row): Uint8Array {
      let s = '{';
      for (let k = 0; k < plan.length; k++) {
        const [, i, t] = plan[k]!;
        if (k > 0) s += ',';
        s += keys[k]! + stringifyJson(i === undefined ? null : row[i], t);
      }
      return Buffer.from(`${s}}`, 'utf8');
    },
  };
}


function encoderPlan(columns: readonly Field[], jsonSchema?: string): EncoderPlan {
  let plan: EncoderPlan;
  if (jsonSchema === undefined) {
    plan = columns.map((c, i) => [c.name, i, c.type]);
  } else {
    const root = parseSchema(jsonSchema, 'SINK_KAFKA_JSON_SCHEMA');
    const byName = new Map(columns.map((c, i) => [c.name, i]));
    plan = Object.entries(root.properties!).map(([name, p]) => {
      const i = byName.get(name);
      const declared = jsonSqlType(root, p, 'SINK_KAFKA_JSON_SCHEMA');
      const colType = i === undefined ? undefined : columns[i]!.type;
      // a date-time property writes epoch-ms numbers as ISO text, whatever the column type says
      return [name, i, declared.kind === 'TIMESTAMP' ? declared : colType];
    });
  }
  return plan;
}
