/**
 * Parquet columns -> table rows, matched to the stream's proto as Dagger matches them (see Dagger's
 * troubleshooting guide, "How do I verify that the parquet files are valid"):
 * - a proto field is read from the top-level Parquet column of the same name;
 * - Parquet columns without a proto field are ignored;
 * - a proto field without a Parquet column gets its protobuf default (0, "", false, the first enum value,
 *   a row of defaults for a message, an empty array or map) under BACKWARD_COMPATIBLE_SCHEMA_WITH_FAIL_ON_TYPE_MISMATCH;
 *   under SAME_SCHEMA_WITH_FAIL_ON_MISMATCH (the default) it is an error naming the file and the field.
 *   (Dagger reads both strategies the same lenient way; Dirk gives the default strategy the meaning its name says.)
 * - a field whose Parquet type cannot hold the proto type (a string column for an int64 field) is an error;
 * - a null cell reads as the field's default, as Dagger's SimpleGroup reader does for an absent value.
 * The rowtime comes from the Timestamp field named by INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX: an INT64
 * timestamp column (millis, micros or nanos) or a group of seconds and nanos; a missing one reads as 0.
 *
 * Only the columns the query reads (plus the rowtime's) are named to the reader: projection pushdown, as the
 * protobuf decoder does on the wire.
 */
import type protobuf from 'protobufjs';
import type { SchemaElement, SchemaTree } from 'hyparquet';
import { userError } from '../../core/errors.js';
import { canonicalInt64, type Row, type TableSchema } from '../../core/types.js';
import { enumDefaultName } from '../../schema/proto-decoder.js';
import { messageInfos, TIMESTAMP_TYPE, type FieldInfo, type ScalarKind, type Shape } from '../../schema/proto-types.js';

export type SchemaMatchStrategy = 'SAME_SCHEMA_WITH_FAIL_ON_MISMATCH' | 'BACKWARD_COMPATIBLE_SCHEMA_WITH_FAIL_ON_TYPE_MISMATCH';

type Convert = (v: unknown) => unknown;

interface ColumnReader {
  /** Position in the table row. */
  readonly index: number;
  /** Position in the array row the Parquet reader returns, or -1 when the file lacks the column. */
  readonly source: number;
  readonly convert: Convert;
  readonly fallback: () => unknown;
}

export interface ParquetRowMapping {
  /** Top-level Parquet columns to decode, in the order of the arrays the reader returns. */
  readonly columns: readonly string[];
  /** The table row of record `i`, from one decoded array per entry of `columns`. */
  toRow(columns: readonly (readonly unknown[])[], i: number): Row;
}

export interface MappingOptions {
  readonly type: protobuf.Type;
  readonly table: TableSchema;
  /** Table column positions the query reads; undefined: all. */
  readonly used: ReadonlySet<number> | undefined;
  /** INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX, when the table has a rowtime. */
  readonly rowtimeFieldNumber: number | undefined;
  readonly strategy: SchemaMatchStrategy;
  /** The file, for messages. */
  readonly file: string;
}

const INT32_KINDS = new Set<ScalarKind>(['int32', 'sint32', 'sfixed32', 'uint32', 'fixed32']);
const INT64_KINDS = new Set<ScalarKind>(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);
const utf8 = new TextDecoder();
const utf8Bytes = new TextEncoder();

function describe(e: SchemaElement, node?: SchemaTree): string {
  if (node && node.children.length > 0) return `group${e.converted_type ? ` (${e.converted_type})` : ''}`;
  const ann = e.logical_type?.type ?? e.converted_type;
  return `${e.type ?? 'group'}${ann ? ` (${ann})` : ''}`;
}

function mismatch(opts: MappingOptions, field: string, expected: string, node: SchemaTree): Error {
  return userError(
    `Parquet file ${opts.file}: column "${field}" is ${describe(node.element, node)}, which cannot hold the proto field's type ${expected} ` +
      `(a field must have the same type in the Parquet schema and in ${opts.type.fullName.replace(/^\./, '')})`,
    { key: 'SOURCE_PARQUET_SCHEMA_MATCH_STRATEGY' },
  );
}

/** The default of an absent value, as the protobuf decoder gives it. */
function defaultOf(f: FieldInfo): () => unknown {
  if (f.card === 'repeated') return () => [];
  if (f.card === 'map') return () => new Map();
  if (f.inOneof || f.nullable) return () => null;
  return elemDefault(f.shape, f.field);
}

function elemDefault(shape: Shape, field?: protobuf.Field): () => unknown {
  switch (shape.k) {
    case 'scalar':
      return scalarDefault(shape.t);
    case 'enum': {
      const name = enumDefaultName(shape.e, field);
      return () => name;
    }
    case 'message': {
      const infos = messageInfos(shape.type, shape.stack);
      const parts = infos.map((i) => [i.name, defaultOf(i)] as const);
      return () => {
        const o: Record<string, unknown> = {};
        for (const [n, d] of parts) o[n] = d();
        return o;
      };
    }
    default:
      return () => null;
  }
}

function scalarDefault(t: ScalarKind): () => unknown {
  if (t === 'bool') return () => false;
  if (t === 'string') return () => '';
  if (t === 'bytes') return () => new Uint8Array(0);
  return () => 0;
}

/** Leaf-type check and value conversion of one scalar kind. */
function scalarConverter(t: ScalarKind, node: SchemaTree, opts: MappingOptions, name: string): Convert {
  const e = node.element;
  const physical = node.children.length > 0 ? undefined : e.type;
  const fail = (): never => {
    throw mismatch(opts, name, t, node);
  };
  if (INT32_KINDS.has(t)) {
    if (physical !== 'INT32') fail();
    return (v) => (typeof v === 'bigint' ? Number(v) : v);
  }
  if (INT64_KINDS.has(t)) {
    if (physical !== 'INT32' && physical !== 'INT64') fail();
    return (v) => (typeof v === 'bigint' || typeof v === 'number' ? canonicalInt64(v) : v);
  }
  if (t === 'float' || t === 'double') {
    if (physical !== 'FLOAT' && physical !== 'DOUBLE') fail();
    return (v) => v;
  }
  if (t === 'bool') {
    if (physical !== 'BOOLEAN') fail();
    return (v) => v;
  }
  if (t === 'string') {
    if (physical !== 'BYTE_ARRAY' && physical !== 'FIXED_LEN_BYTE_ARRAY') fail();
    return (v) => (v instanceof Uint8Array ? utf8.decode(v) : v);
  }
  // bytes
  if (physical !== 'BYTE_ARRAY' && physical !== 'FIXED_LEN_BYTE_ARRAY') fail();
  return (v) => (typeof v === 'string' ? utf8Bytes.encode(v) : v);
}

/** Timestamp from an INT64 timestamp column (read as epoch ms) or a group {seconds, nanos}: epoch ms. */
function timestampMillis(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (v !== null && typeof v === 'object') {
    const t = v as { seconds?: unknown; nanos?: unknown };
    return Number(t.seconds ?? 0) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6);
  }
  return 0;
}

function checkTimestamp(node: SchemaTree, opts: MappingOptions, name: string): void {
  const e = node.element;
  if (node.children.length > 0) {
    const names = node.children.map((c) => c.element.name);
    if (!names.includes('seconds')) throw mismatch(opts, name, 'google.protobuf.Timestamp (an INT64 timestamp, or a group of seconds and nanos)', node);
    return;
  }
  if (e.type !== 'INT64' && e.type !== 'INT96') throw mismatch(opts, name, 'google.protobuf.Timestamp (an INT64 timestamp, or a group of seconds and nanos)', node);
}

/** Converter of one element (not the repeated/map wrapper) of a given shape. */
function elemConverter(shape: Shape, node: SchemaTree, opts: MappingOptions, name: string): Convert {
  switch (shape.k) {
    case 'scalar':
      return scalarConverter(shape.t, node, opts, name);
    case 'wrapper': {
      const inner = node.children.length > 0 ? node.children.find((c) => c.element.name === 'value') : node;
      if (!inner) throw mismatch(opts, name, `${shape.type.fullName} (its scalar, or a group with "value")`, node);
      const c = scalarConverter(shape.t, inner, opts, name);
      return node.children.length > 0 ? (v) => (v == null ? null : c((v as { value?: unknown }).value ?? null)) : (v) => (v == null ? null : c(v));
    }
    case 'enum': {
      const byNumber = new Map<number, string>();
      for (const [n, i] of Object.entries(shape.e.values)) if (!byNumber.has(i)) byNumber.set(i, n);
      const t = node.element.type;
      if (node.children.length > 0 || (t !== 'BYTE_ARRAY' && t !== 'INT32' && t !== 'INT64')) throw mismatch(opts, name, `enum ${shape.e.name}`, node);
      return (v) => (typeof v === 'string' ? v : v instanceof Uint8Array ? utf8.decode(v) : byNumber.get(Number(v)) ?? String(v));
    }
    case 'json':
    case 'recursive':
      return (v) => (v == null ? null : typeof v === 'string' ? v : v instanceof Uint8Array ? utf8.decode(v) : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));
    case 'message': {
      if (shape.type.fullName === TIMESTAMP_TYPE) {
        checkTimestamp(node, opts, name);
        return (v) => {
          const ms = timestampMillis(v);
          return { seconds: Math.floor(ms / 1000), nanos: (((ms % 1000) + 1000) % 1000) * 1e6 };
        };
      }
      if (node.children.length === 0) throw mismatch(opts, name, `message ${shape.type.fullName.replace(/^\./, '')} (a group)`, node);
      const infos = messageInfos(shape.type, shape.stack);
      const parts = infos.map((f) => {
        const child = node.children.find((c) => c.element.name === f.name);
        const fallback = defaultOf(f);
        if (!child) {
          if (opts.strategy === 'SAME_SCHEMA_WITH_FAIL_ON_MISMATCH') throw missing(opts, `${name}.${f.name}`);
          return { name: f.name, convert: undefined, fallback };
        }
        return { name: f.name, convert: fieldConverter(f, child, opts, `${name}.${f.name}`), fallback };
      });
      return (v) => {
        const src = (v ?? {}) as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const p of parts) {
          const x = p.convert ? src[p.name] : undefined;
          out[p.name] = x == null ? p.fallback() : p.convert!(x);
        }
        return out;
      };
    }
  }
}

/**
 * The element node of a Parquet list: the standard 3-level LIST (group (LIST) { repeated group list { element } }),
 * the 2-level legacy form, or a bare repeated field.
 */
function listElement(node: SchemaTree): SchemaTree | undefined {
  if (node.element.repetition_type === 'REPEATED') return node;
  if (node.element.converted_type === 'LIST' || node.element.logical_type?.type === 'LIST') {
    const rep = node.children[0];
    if (!rep) return undefined;
    return rep.children.length === 1 ? rep.children[0] : rep;
  }
  return undefined;
}

function fieldConverter(f: FieldInfo, node: SchemaTree, opts: MappingOptions, name: string): Convert {
  if (f.card === 'repeated') {
    const elem = listElement(node);
    if (!elem) throw mismatch(opts, name, `repeated ${f.field.type} (a LIST or repeated column)`, node);
    const c = elemConverter(f.shape, elem, opts, name);
    const d = elemDefault(f.shape, f.field);
    return (v) => (Array.isArray(v) ? v.map((x) => (x == null ? d() : c(x))) : []);
  }
  if (f.card === 'map') {
    const kv = node.children[0];
    const valueNode = kv?.children.find((c) => c.element.name === 'value');
    const keyNode = kv?.children.find((c) => c.element.name === 'key');
    if (!kv || !valueNode || !keyNode) throw mismatch(opts, name, `map<${f.keyKind}, ${f.field.type}> (a MAP group of key and value)`, node);
    const kc = scalarConverter(f.keyKind ?? 'string', keyNode, opts, `${name}.key`);
    const vc = elemConverter(f.shape, valueNode, opts, `${name}.value`);
    const vd = elemDefault(f.shape, f.field);
    return (v) => {
      const out = new Map<unknown, unknown>();
      if (v instanceof Map) for (const [k, x] of v) out.set(kc(k), x == null ? vd() : vc(x));
      else if (Array.isArray(v)) for (const e of v as { key: unknown; value: unknown }[]) out.set(kc(e.key), e.value == null ? vd() : vc(e.value));
      else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.set(kc(k), x == null ? vd() : vc(x));
      return out;
    };
  }
  return elemConverter(f.shape, node, opts, name);
}

function missing(opts: MappingOptions, name: string): Error {
  return userError(
    `Parquet file ${opts.file} has no column "${name}" of ${opts.type.fullName.replace(/^\./, '')}; ` +
      'SOURCE_PARQUET_SCHEMA_MATCH_STRATEGY=SAME_SCHEMA_WITH_FAIL_ON_MISMATCH needs every field the query reads in the file ' +
      '(BACKWARD_COMPATIBLE_SCHEMA_WITH_FAIL_ON_TYPE_MISMATCH reads a missing field as its protobuf default)',
    { key: 'SOURCE_PARQUET_SCHEMA_MATCH_STRATEGY' },
  );
}

/**
 * Plans the read of one file: which columns to decode and how each becomes a table value. Throws a user
 * error for a type mismatch, or a missing field under SAME_SCHEMA_WITH_FAIL_ON_MISMATCH.
 */
export function planParquetMapping(fileSchema: SchemaTree, opts: MappingOptions): ParquetRowMapping {
  const byName = new Map(fileSchema.children.map((c) => [c.element.name, c]));
  const infos = new Map(messageInfos(opts.type).map((i) => [i.name, i]));
  const columns: string[] = [];
  const readers: ColumnReader[] = [];
  const sourceOf = (name: string): number => {
    let i = columns.indexOf(name);
    if (i < 0) i = columns.push(name) - 1;
    return i;
  };
  opts.table.columns.forEach((col, index) => {
    if (index === opts.table.rowtimeIndex) return;
    if (opts.used && !opts.used.has(index)) return;
    const info = infos.get(col.name);
    if (!info) return;
    const fallback = defaultOf(info);
    const node = byName.get(col.name);
    if (!node) {
      if (opts.strategy === 'SAME_SCHEMA_WITH_FAIL_ON_MISMATCH') throw missing(opts, col.name);
      readers.push({ index, source: -1, convert: (v) => v, fallback });
      return;
    }
    readers.push({ index, source: sourceOf(col.name), convert: fieldConverter(info, node, opts, col.name), fallback });
  });

  let rowtime: { index: number; source: number } | undefined;
  if (opts.table.rowtimeIndex !== undefined && opts.rowtimeFieldNumber !== undefined) {
    const field = opts.type.fieldsById[opts.rowtimeFieldNumber];
    const node = field ? byName.get(field.name) : undefined;
    if (field && node) {
      checkTimestamp(node, opts, field.name);
      rowtime = { index: opts.table.rowtimeIndex, source: sourceOf(field.name) };
    } else if (field && opts.strategy === 'SAME_SCHEMA_WITH_FAIL_ON_MISMATCH') throw missing(opts, field.name);
    else rowtime = { index: opts.table.rowtimeIndex, source: -1 };
  }
  const width = opts.table.columns.length;
  return {
    columns,
    toRow(cols, i) {
      const row: Row = new Array(width).fill(null);
      for (const r of readers) {
        const v = r.source < 0 ? undefined : cols[r.source]![i];
        row[r.index] = v == null ? r.fallback() : r.convert(v);
      }
      if (rowtime) row[rowtime.index] = rowtime.source < 0 ? 0 : timestampMillis(cols[rowtime.source]![i]);
      return row;
    },
  };
}
