// Writes Parquet files of booking rows for the Parquet source tests, with hyparquet-writer (a maintained
// writer independent of the reader's decoding code paths), including nested, list and map columns.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';

export interface BookingRow {
  readonly order_number: string;
  readonly service_type: string;
  readonly status: string;
  readonly event_timestamp: number;
  readonly order_amount: number;
  readonly service_area_id?: number;
  readonly driver_id?: bigint;
  readonly tags?: string[];
  readonly pickup?: { latitude: number; longitude: number; name: string } | null;
  readonly metadata?: Record<string, string>;
}

export interface WriteOptions {
  readonly rowGroupSize?: number;
  /** Leave these columns out of the file. */
  readonly omit?: readonly string[];
  /** Write service_area_id as a string column (a type mismatch for the proto's int32). */
  readonly areaAsString?: boolean;
}

type SchemaElement = Record<string, unknown> & { name: string };

export function writeBookings(file: string, rows: readonly BookingRow[], opts: WriteOptions = {}): void {
  mkdirSync(dirname(file), { recursive: true });
  const omit = new Set(opts.omit ?? []);
  const columns: { name: string; data: unknown[]; schema: SchemaElement[] }[] = [
    { name: 'order_number', data: rows.map((r) => r.order_number), schema: [{ name: 'order_number', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }] },
    { name: 'service_type', data: rows.map((r) => r.service_type), schema: [{ name: 'service_type', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }] },
    {
      name: 'service_area_id',
      data: rows.map((r) => (opts.areaAsString ? String(r.service_area_id ?? 0) : (r.service_area_id ?? null))),
      schema: [opts.areaAsString ? { name: 'service_area_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' } : { name: 'service_area_id', type: 'INT32', repetition_type: 'OPTIONAL' }],
    },
    { name: 'status', data: rows.map((r) => r.status), schema: [{ name: 'status', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }] },
    {
      name: 'event_timestamp',
      data: rows.map((r) => BigInt(r.event_timestamp)),
      schema: [{ name: 'event_timestamp', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' }],
    },
    { name: 'order_amount', data: rows.map((r) => r.order_amount), schema: [{ name: 'order_amount', type: 'DOUBLE', repetition_type: 'OPTIONAL' }] },
    {
      name: 'pickup',
      data: rows.map((r) => r.pickup ?? null),
      schema: [
        { name: 'pickup', repetition_type: 'OPTIONAL', num_children: 3 },
        { name: 'latitude', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
        { name: 'longitude', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
        { name: 'name', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
    },
    {
      name: 'tags',
      data: rows.map((r) => r.tags ?? []),
      schema: [
        { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
    },
    {
      name: 'metadata',
      data: rows.map((r) => r.metadata ?? {}),
      schema: [
        { name: 'metadata', repetition_type: 'OPTIONAL', converted_type: 'MAP', num_children: 1 },
        { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
        { name: 'key', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'value', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
    },
    { name: 'driver_id', data: rows.map((r) => r.driver_id ?? null), schema: [{ name: 'driver_id', type: 'INT64', repetition_type: 'OPTIONAL' }] },
    // A column the proto does not have: ignored, as in Dagger.
    { name: 'warehouse_only', data: rows.map(() => 'x'), schema: [{ name: 'warehouse_only', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }] },
  ];
  const kept = columns.filter((c) => !omit.has(c.name));
  const schema: SchemaElement[] = [{ name: 'root', num_children: kept.length }, ...kept.flatMap((c) => c.schema)];
  parquetWriteFile({
    filename: file,
    columnData: kept.map((c) => ({ name: c.name, data: c.data })) as never,
    schema: schema as never,
    rowGroupSize: opts.rowGroupSize ?? 1000,
  });
}
