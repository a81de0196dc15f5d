/**
 * How protobuf fields map to SQL types (see docs/schemas.md for the table and the reasons).
 *
 * Every field is classified once into a `Shape`; the table schema, the row decoder and the row encoder
 * all work from the same classification so they cannot disagree.
 */
import protobuf from 'protobufjs';
import { userError } from '../core/errors.js';
import { T, type Field, type SqlType, type TableSchema } from '../core/types.js';
import type { DescriptorRegistry } from './descriptor-registry.js';

export type ScalarKind =
  | 'double'
  | 'float'
  | 'int32'
  | 'uint32'
  | 'sint32'
  | 'fixed32'
  | 'sfixed32'
  | 'int64'
  | 'uint64'
  | 'sint64'
  | 'fixed64'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes';

/** The value shape of one (element of a) field. */
export type Shape =
  | { readonly k: 'scalar'; readonly t: ScalarKind }
  | { readonly k: 'enum'; readonly e: protobuf.Enum }
  /** google.protobuf.*Value wrappers: the wrapped scalar, null when the wrapper is absent. */
  | { readonly k: 'wrapper'; readonly t: ScalarKind; readonly type: protobuf.Type }
  /** google.protobuf.Struct / Value / ListValue: JSON text. */
  | { readonly k: 'json'; readonly which: 'struct' | 'value' | 'list' }
  | { readonly k: 'message'; readonly type: protobuf.Type; readonly stack: readonly string[] }
  /** A message that contains itself: cut to JSON text so the SQL type stays finite. */
  | { readonly k: 'recursive'; readonly type: protobuf.Type };

export type Cardinality = 'single' | 'repeated' | 'map';

export interface FieldInfo {
  readonly field: protobuf.Field;
  readonly name: string;
  readonly number: number;
  readonly card: Cardinality;
  /** For maps, the key scalar. */
  readonly keyKind: ScalarKind | undefined;
  /** Value shape (element shape for repeated, value shape for maps). */
  readonly shape: Shape;
  /** Member of a oneof, including proto3 `optional`: unset reads as null. */
  readonly inOneof: boolean;
  readonly oneofName: string | undefined;
  readonly hasPresence: boolean;
  readonly packed: boolean;
  readonly sqlType: SqlType;
  readonly nullable: boolean;
}

const SCALARS = new Set<string>([
  'double',
  'float',
  'int32',
  'uint32',
  'sint32',
  'fixed32',
  'sfixed32',
  'int64',
  'uint64',
  'sint64',
  'fixed64',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

const WRAPPERS: Record<string, ScalarKind> = {
  '.google.protobuf.DoubleValue': 'double',
  '.google.protobuf.FloatValue': 'float',
  '.google.protobuf.Int64Value': 'int64',
  '.google.protobuf.UInt64Value': 'uint64',
  '.google.protobuf.Int32Value': 'int32',
  '.google.protobuf.UInt32Value': 'uint32',
  '.google.protobuf.BoolValue': 'bool',
  '.google.protobuf.StringValue': 'string',
  '.google.protobuf.BytesValue': 'bytes',
};

export const TIMESTAMP_TYPE = '.google.protobuf.Timestamp';

export function isPackable(t: ScalarKind): boolean {
  return t !== 'string' && t !== 'bytes';
}

export function scalarSqlType(t: ScalarKind): SqlType {
  switch (t) {
    case 'double':
      return T.DOUBLE;
    case 'float':
      return T.FLOAT;
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return T.INT;
    // uint32 does not fit a signed INT; a JS number holds it exactly, so widen the SQL type.
    case 'uint32':
    case 'fixed32':
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return T.BIGINT;
    case 'bool':
      return T.BOOLEAN;
    case 'string':
      return T.STRING;
    case 'bytes':
      return T.BYTES;
  }
}

/** The name protobufjs uses for a type, without the leading dot. */
export function typeName(type: protobuf.Type | protobuf.Enum): string {
  return type.fullName.startsWith('.') ? type.fullName.slice(1) : type.fullName;
}

function shapeOfField(field: protobuf.Field, stack: readonly string[]): Shape {
  field.resolve();
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Enum) return { k: 'enum', e: rt };
  if (rt instanceof protobuf.Type) {
    const full = rt.fullName;
    const w = WRAPPERS[full];
    if (w !== undefined) return { k: 'wrapper', t: w, type: rt };
    if (full === '.google.protobuf.Struct') return { k: 'json', which: 'struct' };
    if (full === '.google.protobuf.Value') return { k: 'json', which: 'value' };
    if (full === '.google.protobuf.ListValue') return { k: 'json', which: 'list' };
    if (stack.includes(full)) return { k: 'recursive', type: rt };
    return { k: 'message', type: rt, stack: [...stack, full] };
  }
  if (SCALARS.has(field.type)) return { k: 'scalar', t: field.type as ScalarKind };
  throw userError(`unsupported protobuf type "${field.type}" of field ${field.fullName}`);
}

export function shapeSqlType(shape: Shape): SqlType {
  switch (shape.k) {
    case 'scalar':
    case 'wrapper':
      return scalarSqlType(shape.t);
    case 'enum':
    case 'json':
    case 'recursive':
      return T.STRING;
    case 'message':
      return T.row(messageInfos(shape.type, shape.stack).map(toSqlField));
  }
}

function toSqlField(f: FieldInfo): Field {
  return { name: f.name, type: f.sqlType, nullable: f.nullable };
}

/** Field infos of a message in declaration order. `stack` holds the enclosing message names. */
export function messageInfos(type: protobuf.Type, stack: readonly string[] = [type.fullName]): FieldInfo[] {
  type.resolveAll();
  return type.fieldsArray.map((f) => fieldInfo(f, stack));
}

export function fieldInfo(field: protobuf.Field, stack: readonly string[]): FieldInfo {
  field.resolve();
  const card: Cardinality = field.map ? 'map' : field.repeated ? 'repeated' : 'single';
  const shape = shapeOfField(field, stack);
  const keyKind = field instanceof protobuf.MapField ? (field.keyType as ScalarKind) : undefined;
  const elem = shapeSqlType(shape);
  const sqlType =
    card === 'map' ? T.map(scalarSqlType(keyKind ?? 'string'), elem) : card === 'repeated' ? T.array(elem) : elem;
  const inOneof = card === 'single' && field.partOf !== null && field.partOf !== undefined;
  const nullable =
    card === 'single' &&
    (inOneof || shape.k === 'wrapper' || shape.k === 'json' || shape.k === 'recursive');
  return {
    field,
    name: field.name,
    number: field.id,
    card,
    keyKind,
    shape,
    inOneof,
    oneofName: inOneof ? field.partOf?.name : undefined,
    hasPresence: field.hasPresence,
    packed: field.packed,
    sqlType,
    nullable,
  };
}

/** Which field number feeds the rowtime of a table built by protoTableSchema (decoders look it up). */
export const rowtimeSources = new WeakMap<TableSchema, number>();

/** `to` (a copy of `from` with other flags) reads its rowtime from the same field. */
export function aliasProtoTable(from: TableSchema, to: TableSchema): void {
  const v = rowtimeSources.get(from);
  if (v !== undefined) rowtimeSources.set(to, v);
}

export interface ProtoTableOptions {
  readonly table: string;
  /** Field NUMBER of the google.protobuf.Timestamp that becomes the rowtime (Dagger's INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX). */
  readonly rowtimeFieldNumber?: number;
  readonly rowtimeName: string;
}

/**
 * The SQL table of a proto class, as Dagger builds it: the message's fields in declaration order,
 * then the rowtime column (epoch ms) taken from the Timestamp field with number `rowtimeFieldNumber`.
 */
export function protoTableSchema(reg: DescriptorRegistry, protoClass: string, opts: ProtoTableOptions): TableSchema {
  const type = reg.lookupType(protoClass);
  const infos = messageInfos(type);
  const columns: Field[] = infos.map(toSqlField);
  if (opts.rowtimeFieldNumber === undefined) return { name: opts.table, columns, rowtimeIndex: undefined };
  rowtimeField(type, opts.rowtimeFieldNumber);
  if (columns.some((c) => c.name === opts.rowtimeName)) {
    throw userError(
      `the rowtime column "${opts.rowtimeName}" clashes with a field of the same name in ${typeName(type)}; ` +
        'set FLINK_ROWTIME_ATTRIBUTE_NAME to another name',
      { key: 'FLINK_ROWTIME_ATTRIBUTE_NAME' },
    );
  }
  columns.push({ name: opts.rowtimeName, type: T.ROWTIME, nullable: false });
  const table: TableSchema = { name: opts.table, columns, rowtimeIndex: columns.length - 1 };
  rowtimeSources.set(table, opts.rowtimeFieldNumber);
  return table;
}

/** The Timestamp field that feeds the rowtime; a clear user error when it is missing or of another type. */
export function rowtimeField(type: protobuf.Type, number: number): protobuf.Field {
  const field = type.fieldsById[number];
  const candidates = type.fieldsArray
    .filter((f) => (f.resolve(), f.resolvedType?.fullName === TIMESTAMP_TYPE && !f.repeated))
    .map((f) => `${f.name} = ${f.id}`);
  const hint = candidates.length
    ? `; the Timestamp fields of ${typeName(type)} are: ${candidates.join(', ')}`
    : `; ${typeName(type)} has no google.protobuf.Timestamp field`;
  const key = 'INPUT_SCHEMA_EVENT_TIMESTAMP_FIELD_INDEX';
  if (field === undefined) {
    throw userError(`${key} = ${number}: ${typeName(type)} has no field with number ${number}${hint}`, { key });
  }
  field.resolve();
  if (field.resolvedType?.fullName !== TIMESTAMP_TYPE || field.repeated) {
    const found = field.repeated ? `repeated ${field.type}` : field.type;
    throw userError(
      `${key} = ${number}: field ${field.name} of ${typeName(type)} is ${found}, not google.protobuf.Timestamp${hint}`,
      { key },
    );
  }
  return field;
}
