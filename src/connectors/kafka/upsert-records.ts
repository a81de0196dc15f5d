/**
 * Records of an upsert topic (Flink's upsert-kafka source, SOURCE_KAFKA_UPSERT_KEY): the record key is a JSON
 * object of the primary-key columns (their names without the key prefix), a record with a value is an upsert
 * of its key, and a record with a null value (a tombstone) deletes it. Rows come out as +U (upsert) or -D
 * (holding only the key columns); the planner's ChangelogNormalize turns them into a retract stream.
 */
import { DecodeError } from '../../core/errors.js';
import { RowKind, type Row, type TableSchema } from '../../core/types.js';
import type { UpsertSourceConfig } from '../../config/index.js';
import { createJsonRowDecoder } from '../../schema/index.js';
import type { RowDecoder } from '../shared/codec.js';

export interface UpsertRecords {
  /** The row and its kind of one record; throws DecodeError for a record without a key, or bad JSON. */
  decode(key: Buffer | null, value: Buffer | null, valueDecoder: RowDecoder): { row: Row; kind: RowKind };
}

export function createUpsertRecords(schema: TableSchema, spec: UpsertSourceConfig): UpsertRecords {
  const positions = spec.key.map((name) => schema.columns.findIndex((c) => c.name === name));
  if (positions.some((p) => p < 0)) throw new Error(`internal error: upsert key ${spec.key.join(', ')} not all in table ${schema.name}`);
  const keyTable: TableSchema = {
    name: `${schema.name} (record key)`,
    columns: positions.map((p) => ({ ...schema.columns[p]!, name: schema.columns[p]!.name.slice(spec.keyPrefix.length) })),
    rowtimeIndex: undefined,
  };
  const keyDecoder = createJsonRowDecoder(keyTable);
  const width = schema.columns.length;
  // ALL: the value holds the key columns too (as Flink, its values win); EXCEPT_KEY: they come from the key.
  const keyFromRecordKey = spec.valueFieldsInclude === 'EXCEPT_KEY';
  return {
    decode(key, value, valueDecoder) {
      if (key === null) throw new DecodeError('record has no key (an upsert topic keys every record by its primary key)');
      const keyRow = decodeKey(keyDecoder, key);
      if (value === null) {
        const row: Row = new Array<unknown>(width).fill(null);
        positions.forEach((p, i) => (row[p] = keyRow[i]));
        return { row, kind: RowKind.Delete };
      }
      const row = valueDecoder.decode(value);
      if (keyFromRecordKey) positions.forEach((p, i) => (row[p] = keyRow[i]));
      return { row, kind: RowKind.UpdateAfter };
    },
  };
}

function decodeKey(decoder: RowDecoder, key: Buffer): Row {
  try {
    return decoder.decode(key);
  } catch (e) {
    throw new DecodeError(`record key: ${(e as Error).message}`);
  }
}
