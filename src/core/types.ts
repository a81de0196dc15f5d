/**
 * The value model shared by every layer.
 *
 * Runtime representation of SQL values (chosen for speed in the hot path):
 * - BOOLEAN: boolean; INT, FLOAT, DOUBLE: number
 * - DECIMAL(p, s): an exact `Decimal` (core/decimal.ts: unscaled bigint and scale s), up to 38 digits
 * - BIGINT: a JS number while it is a safe integer, a bigint beyond 2^53 (see `canonicalInt64`),
 *   so ordinary counts stay fast and large ids stay exact.
 * - STRING: string; BYTES: Uint8Array
 * - TIMESTAMP(3): epoch milliseconds as a number (UTC, as Dagger forces)
 * - ARRAY: unknown[]; MAP: Map<unknown, unknown>; ROW: a plain object keyed by field name
 * - NULL: null (never undefined)
 * A top-level row is a positional array; column positions are resolved at plan time.
 */

export type SqlType =
  | { readonly kind: 'BOOLEAN' }
  | { readonly kind: 'INT' }
  | { readonly kind: 'BIGINT' }
  | { readonly kind: 'FLOAT' }
  | { readonly kind: 'DOUBLE' }
  | { readonly kind: 'DECIMAL'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'STRING' }
  | { readonly kind: 'BYTES' }
  /**
   * `rowtime`: an event-time attribute (Flink's `TIMESTAMP(3) *ROWTIME*`); `proctime`: a processing-time
   * attribute (`TIMESTAMP_LTZ(3) *PROCTIME*`, from PROCTIME()): its value is the wall clock when the row was
   * read, and windows over it run on the job's processing-time clock. At most one of the two is set.
   */
  | { readonly kind: 'TIMESTAMP'; readonly precision: number; readonly rowtime?: boolean; readonly proctime?: boolean }
  | { readonly kind: 'ARRAY'; readonly element: SqlType }
  | { readonly kind: 'MAP'; readonly key: SqlType; readonly value: SqlType }
  | { readonly kind: 'ROW'; readonly fields: readonly Field[] }
  | { readonly kind: 'NULL' }
  /** Unknown at plan time (e.g. a dynamically typed UDF result); checked at run time. */
  | { readonly kind: 'ANY' };

export interface Field {
  readonly name: string;
  readonly type: SqlType;
  readonly nullable?: boolean;
}

export type Row = unknown[];

/** Changelog kind of a row, as in Flink: +I, -U, +U, -D. Absent on a batch means all inserts. */
export const enum RowKind {
  Insert = 0,
  UpdateBefore = 1,
  UpdateAfter = 2,
  Delete = 3,
}

export interface DataMessage {
  readonly kind: 'data';
  readonly rows: Row[];
  /** One entry per row when the stream is a changelog; absent for append-only batches. */
  readonly rowKinds?: RowKind[];
}

/** Every edge of the dataflow carries this union and nothing else. */
export type Message =
  | DataMessage
  | { readonly kind: 'watermark'; readonly time: number }
  | { readonly kind: 'barrier'; readonly checkpoint: number }
  | { readonly kind: 'end' };

export const T = {
  BOOLEAN: { kind: 'BOOLEAN' } as SqlType,
  INT: { kind: 'INT' } as SqlType,
  BIGINT: { kind: 'BIGINT' } as SqlType,
  FLOAT: { kind: 'FLOAT' } as SqlType,
  DOUBLE: { kind: 'DOUBLE' } as SqlType,
  STRING: { kind: 'STRING' } as SqlType,
  BYTES: { kind: 'BYTES' } as SqlType,
  TIMESTAMP: { kind: 'TIMESTAMP', precision: 3 } as SqlType,
  ROWTIME: { kind: 'TIMESTAMP', precision: 3, rowtime: true } as SqlType,
  PROCTIME: { kind: 'TIMESTAMP', precision: 3, proctime: true } as SqlType,
  NULL: { kind: 'NULL' } as SqlType,
  ANY: { kind: 'ANY' } as SqlType,
  decimal: (precision: number, scale: number): SqlType => ({ kind: 'DECIMAL', precision, scale }),
  array: (element: SqlType): SqlType => ({ kind: 'ARRAY', element }),
  map: (key: SqlType, value: SqlType): SqlType => ({ kind: 'MAP', key, value }),
  row: (fields: readonly Field[]): SqlType => ({ kind: 'ROW', fields }),
} as const;

/** Flink SQL spelling of a type, used in plans, errors and docs. */
export function typeToString(t: SqlType): string {
  switch (t.kind) {
    case 'DECIMAL':
      return `DECIMAL(${t.precision}, ${t.scale})`;
    case 'TIMESTAMP':
      return t.rowtime ? `TIMESTAMP(${t.precision}) *ROWTIME*` : t.proctime ? `TIMESTAMP_LTZ(${t.precision}) *PROCTIME*` : `TIMESTAMP(${t.precision})`;
    case 'ARRAY':
      return `ARRAY<${typeToString(t.element)}>`;
    case 'MAP':
      return `MAP<${typeToString(t.key)}, ${typeToString(t.value)}>`;
    case 'ROW':
      return `ROW<${t.fields.map((f) => `\`${f.name}\` ${typeToString(f.type)}`).join(', ')}>`;
    default:
      return t.kind;
  }
}

/** Normalise an int64 value to the canonical form: number when safe, bigint otherwise. */
export function canonicalInt64(v: number | bigint): number | bigint {
  if (typeof v === 'number') return v;
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/**
 * Is a column of this type a processing-time attribute? This is how a plan node tells one: the type of its
 * field (`node.fields[i].type`) says so; there is no separate index as there is for the rowtime.
 */
export function isProctimeType(t: SqlType): boolean {
  return t.kind === 'TIMESTAMP' && t.proctime === true;
}

export function isNumericType(t: SqlType): boolean {
  return t.kind === 'INT' || t.kind === 'BIGINT' || t.kind === 'FLOAT' || t.kind === 'DOUBLE' || t.kind === 'DECIMAL';
}

/** A TIMESTAMP (epoch milliseconds, UTC) as SQL text: `2024-01-02 03:04:05.678`. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`internal error: unhandled ${what}: ${JSON.stringify(x)}`);
}

/** The columns of a registered table (one per stream). The rowtime column, when present, is the last one. */
export interface TableSchema {
  readonly name: string;
  readonly columns: readonly Field[];
  /** Position of the event-time attribute in `columns`, if the table has one. */
  readonly rowtimeIndex: number | undefined;
  /** The table is a changelog (a CDC source's rows carry +I/-U/+U/-D kinds); scans of it are updating. */
  readonly changelog?: boolean;
  /** Column positions of the table's primary key, when known (the upsert key of a changelog table). */
  readonly primaryKey?: readonly number[];
  /**
   * The source gives upserts (+U for every value) and key-only deletes (Kafka tombstones), not a retract
   * stream: scans of it go through a ChangelogNormalize keeping the last row per primary key (Flink's upsert-kafka).
   */
  readonly upsert?: boolean;
  /** The table is read to its end (a BOUNDED source), after which its watermark is +Infinity. */
  readonly bounded?: boolean;
}
