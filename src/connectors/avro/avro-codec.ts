/**
 * Avro records in the Confluent wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id (big
 * endian), the rest the Avro binary encoding of the record written with that schema.
 *
 * Decoding resolves each record's writer schema (fetched by id, once) against the reader schema: the
 * subject's latest version when the job started, cut down to the fields the query reads, so Avro's own
 * schema resolution skips the other fields without building them (projection pushdown) and fills fields
 * added later from their defaults (schema evolution). Encoding writes the sink subject's schema id first.
 */
import type avro from 'avsc';
import { DecodeError, userError } from '../../core/errors.js';
import { T, type Field, type Row, type TableSchema } from '../../core/types.js';
import { closest } from '../../core/errors.js';
import type { RowDecoder } from '../shared/codec.js';
import { avroType, fromAvro, parseRecordSchema, recordColumns, schemaForColumns, toAvro, type AvroRecordInfo, type AvroSchema, type Conv } from './avro-types.js';
import type { RegistryClient } from './registry-client.js';

export const MAGIC_BYTE = 0;

/** What an Avro table keeps beyond its columns: the reader schema and where its rowtime comes from. */
interface AvroTableInfo {
  readonly info: AvroRecordInfo;
  readonly rowtimeField: string | undefined;
  readonly rowtimeConv: ((v: unknown) => number) | undefined;
}
const avroTables = new WeakMap<TableSchema, AvroTableInfo>();

/** `to` (a copy of `from` with other flags) decodes with the same Avro schema. */
export function aliasAvroTable(from: TableSchema, to: TableSchema): void {
  const v = avroTables.get(from);
  if (v !== undefined) avroTables.set(to, v);
}

export interface AvroTableOptions {
  readonly table: string;
  readonly rowtimeName: string;
  /** INPUT_SCHEMA_AVRO_EVENT_TIMESTAMP_FIELD_NAME */
  readonly rowtimeFieldName?: string | undefined;
  /** The key messages name (STREAMS[i].INPUT_SCHEMA_AVRO_SUBJECT). */
  readonly key: string;
}

const ROWTIME_KEY = 'INPUT_SCHEMA_AVRO_EVENT_TIMESTAMP_FIELD_NAME';

/** The table of an Avro stream: one column per field of the record schema, then the rowtime. */
export function avroTableSchema(schemaText: string, opts: AvroTableOptions): TableSchema {
  const info = parseRecordSchema(schemaText, opts.key);
  const columns: Field[] = recordColumns(info, opts.key).map((c) => ({ ...c, nullable: true }));
  if (opts.rowtimeFieldName === undefined) {
    const table: TableSchema = { name: opts.table, columns, rowtimeIndex: undefined };
    avroTables.set(table, { info, rowtimeField: undefined, rowtimeConv: undefined });
    return table;
  }
  const field = info.fields.find((f) => f.name === opts.rowtimeFieldName);
  if (!field) {
    const hint = closest(opts.rowtimeFieldName, info.fields.map((f) => f.name));
    throw userError(`${ROWTIME_KEY} = "${opts.rowtimeFieldName}" is not a field of the record${hint ? `; did you mean "${hint}"?` : ''} (fields: ${info.fields.map((f) => f.name).join(', ')})`, {
      key: ROWTIME_KEY,
    });
  }
  const type = columns.find((c) => c.name === field.name)!.type;
  let rowtimeConv: (v: unknown) => number;
  const conv = fromAvro(field.type, info.names);
  // A timestamp logical type is its own unit; a plain int / long is epoch seconds and a string a
  // timestamp, as Dagger reads a JSON event time.
  if (type.kind === 'TIMESTAMP') rowtimeConv = (v) => conv(v) as number;
  else if (type.kind === 'BIGINT' || type.kind === 'INT') rowtimeConv = (v) => Number(v) * 1000;
  else if (type.kind === 'STRING') {
    rowtimeConv = (v) => {
      const ms = Date.parse(String(v));
      if (Number.isNaN(ms)) throw new DecodeError(`${ROWTIME_KEY} field "${field.name}" holds "${String(v).slice(0, 40)}", not a timestamp`);
      return ms;
    };
  } else {
    throw userError(`${ROWTIME_KEY} = "${field.name}": the field must be a timestamp (long timestamp-millis/-micros), epoch seconds (int/long) or a timestamp string; it maps to ${type.kind}`, {
      key: ROWTIME_KEY,
    });
  }
  if (columns.some((c) => c.name === opts.rowtimeName)) {
    throw userError(`the rowtime column "${opts.rowtimeName}" clashes with an Avro field of the same name`, { key: 'FLINK_ROWTIME_ATTRIBUTE_NAME' });
  }
  columns.push({ name: opts.rowtimeName, type: T.ROWTIME, nullable: false });
  const table: TableSchema = { name: opts.table, columns, rowtimeIndex: columns.length - 1 };
  avroTables.set(table, { info, rowtimeField: field.name, rowtimeConv });
  return table;
}

export interface AvroDecoder extends RowDecoder {
  /** Fetches the writer schemas of ids not seen yet (the Kafka source calls it before decoding a batch). */
  prepare(values: readonly (Uint8Array | null)[]): Promise<void> | undefined;
}

/** A decoder for an Avro table that builds only the `columns` the query reads (every column when absent). */
export function createAvroRowDecoder(table: TableSchema, client: RegistryClient, columns?: ReadonlySet<number>): AvroDecoder {
  const t = avroTables.get(table);
  if (!t) throw new Error(`internal error: table ${table.name} was not built from an Avro schema`);
  const wanted = table.columns
    .map((c, i) => ({ c, i }))
    .filter(({ i }) => i !== table.rowtimeIndex && (!columns || columns.has(i)))
    .map(({ c, i }) => ({ name: c.name, index: i }));
  const readFields = new Set(wanted.map((w) => w.name));
  if (t.rowtimeField) readFields.add(t.rowtimeField);
  // The reader schema: the latest record with only the fields read.
  const readerSchema = { ...t.info.schema, fields: t.info.fields.filter((f) => readFields.has(f.name)) } as AvroSchema;
  const reader = avroType(readerSchema);
  const plan: [index: number, name: string, conv: Conv][] = wanted.map((w) => [w.index, w.name, fromAvro(t.info.fields.find((f) => f.name === w.name)!.type, t.info.names)]);
  const resolvers = new Map<number, avro.Resolver>();
  const unusable = new Map<number, string>();
  const width = table.columns.length;
  const rowtimeIndex = table.rowtimeIndex;
  const rowtimeField = t.rowtimeField;
  const rowtimeConv = t.rowtimeConv;

  const idOf = (b: Uint8Array): number | undefined => (b.length >= 5 && b[0] === MAGIC_BYTE ? ((b[1]! << 24) | (b[2]! << 16) | (b[3]! << 8) | b[4]!) >>> 0 : undefined);

  return {
    prepare(values) {
      const missing = new Set<number>();
      for (const v of values) {
        if (!v) continue;
        const id = idOf(v);
        if (id !== undefined && !resolvers.has(id) && !unusable.has(id)) missing.add(id);
      }
      if (missing.size === 0) return undefined;
      return Promise.all(
        [...missing].map(async (id) => {
          let text: string;
          try {
            text = await client.schemaById(id);
          } catch (e) {
            // An id the registry does not know makes its records bad records; an unreachable registry fails.
            if ((e as { domain?: string }).domain === 'user') {
              unusable.set(id, (e as Error).message);
              return;
            }
            throw e;
          }
          try {
            resolvers.set(id, reader.createResolver(avroType(text)));
          } catch (e) {
            unusable.set(id, `the schema with id ${id} cannot be read as the job's schema: ${(e as Error).message}`);
          }
        }),
      ).then(() => undefined);
    },
    decode(bytes: Uint8Array): Row {
      const id = idOf(bytes);
      if (id === undefined) {
        throw new DecodeError(`not an Avro record in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary): ${bytes.length < 5 ? `${bytes.length} bytes` : `first byte ${bytes[0]}`}`);
      }
      const resolver = resolvers.get(id);
      if (!resolver) throw new DecodeError(unusable.get(id) ?? `schema id ${id} was not fetched from the registry`);
      let obj: Record<string, unknown>;
      try {
        obj = reader.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset + 5, bytes.byteLength - 5), resolver, true) as Record<string, unknown>;
      } catch (e) {
        throw new DecodeError(`cannot decode the Avro record (schema id ${id}): ${(e as Error).message}`, e);
      }
      const row: Row = new Array<unknown>(width).fill(null);
      for (let k = 0; k < plan.length; k++) {
        const [i, name, conv] = plan[k]!;
        const v = obj[name];
        if (v !== null && v !== undefined) row[i] = conv(v);
      }
      if (rowtimeIndex !== undefined) {
        const v = obj[rowtimeField!];
        if (v === null || v === undefined) throw new DecodeError(`${ROWTIME_KEY} field "${rowtimeField}" is null`);
        row[rowtimeIndex] = rowtimeConv!(v);
      }
      return row;
    },
  };
}

export interface AvroEncoderOptions {
  readonly subject: string;
  /** Register the schema derived from the columns (true), or write with the subject's latest (false). */
  readonly autoRegister: boolean;
}

/** The sink's encoder: `open()` registers or looks up the subject's schema; `encode` needs it done. */
export function createAvroRowEncoder(columns: readonly Field[], client: RegistryClient, opts: AvroEncoderOptions): { encode(row: Row): Uint8Array; open(): Promise<void> } {
  let type: avro.Type | undefined;
  let header: Buffer | undefined;
  let plan: [index: number, name: string, conv: Conv][] = [];
  const key = opts.autoRegister ? 'SINK_KAFKA_AVRO_SUBJECT' : 'SINK_KAFKA_AVRO_AUTO_REGISTER';
  return {
    async open() {
      let info: AvroRecordInfo;
      let id: number;
      if (opts.autoRegister) {
        const text = JSON.stringify(schemaForColumns(columns));
        id = await client.register(opts.subject, text, key);
        info = parseRecordSchema(text, key);
      } else {
        const latest = await client.latest(opts.subject, 'SINK_KAFKA_AVRO_SUBJECT');
        id = latest.id;
        info = parseRecordSchema(latest.schema, `SINK_KAFKA_AVRO_SUBJECT (${opts.subject} version ${latest.version})`);
        checkWritable(info, columns, opts.subject, latest.version);
      }
      type = avroType(info.schema);
      header = Buffer.alloc(5);
      header[0] = MAGIC_BYTE;
      header.writeUInt32BE(id, 1);
      plan = info.fields.flatMap((f) => {
        const index = columns.findIndex((c) => c.name === f.name);
        return index < 0 ? [] : [[index, f.name, toAvro(f.type, info.names)] as [number, string, Conv]];
      });
    },
    encode(row: Row): Uint8Array {
      if (!type) throw new Error('internal error: the Avro encoder was used before open()');
      const obj: Record<string, unknown> = {};
      for (const [i, name, conv] of plan) {
        const v = row[i];
        obj[name] = v === null || v === undefined ? null : conv(v);
      }
      return Buffer.concat([header!, type.toBuffer(obj)]);
    },
  };
}

/** SINK_KAFKA_AVRO_AUTO_REGISTER=false: every field without a column must be nullable or have a default. */
function checkWritable(info: AvroRecordInfo, columns: readonly Field[], subject: string, version: number): void {
  const names = new Set(columns.map((c) => c.name));
  for (const f of info.fields) {
    if (names.has(f.name)) continue;
    const nullable = Array.isArray(f.type) && f.type.includes('null');
    if (!nullable && !('default' in (f as object))) {
      throw userError(`SINK_KAFKA_AVRO_SUBJECT: field "${f.name}" of subject ${subject} version ${version} has no default and the result has no column of that name (columns: ${columns.map((c) => c.name).join(', ')})`, {
        key: 'SINK_KAFKA_AVRO_SUBJECT',
      });
    }
  }
}

/** Validate-time check of the sink: the result columns have an Avro schema (throws naming the column). */
export function checkAvroColumns(columns: readonly Field[]): void {
  schemaForColumns(columns);
}
