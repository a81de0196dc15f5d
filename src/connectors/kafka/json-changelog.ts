/**
 * Updating (changelog) results written as JSON Kafka records, the two ways Flink writes them:
 *
 * - `UPSERT` (Flink's upsert-kafka connector): the record key is a JSON object of the result's unique key
 *   columns (the GROUP BY keys, a Top-N's partition keys and rank, a deduplication key); an insert or update
 *   writes the whole row as the value, -U is skipped (the +U that follows replaces it), and a delete writes
 *   a tombstone (the key with a null value), which compacted topics and Kafka Streams tables understand.
 * - `DEBEZIUM` (Flink's debezium-json format): every change is one record
 *   `{"before": ..., "after": ..., "op": ...}`; +I and +U write `{"before": null, "after": row, "op": "c"}`,
 *   -U and -D write `{"before": row, "after": null, "op": "d"}`, exactly as Flink serialises them. The key is
 *   the unique key's JSON when the result has one (so that all changes of one row land in one partition, in
 *   order), otherwise null.
 */
import { userError } from '../../core/errors.js';
import { RowKind, type Field, type Row } from '../../core/types.js';
import { createJsonRowEncoder, type JsonTimestampFormat } from '../../schema/json-codec.js';

export type JsonChangelogMode = 'UPSERT' | 'DEBEZIUM';

/** The record key of SINK_KAFKA_JSON_KEY: column positions, the prefix its JSON names drop, and EXCEPT_KEY. */
export interface JsonKeySpec {
  readonly positions: readonly number[];
  readonly prefix: string;
  readonly exceptKey: boolean;
}

/** SINK_KAFKA_JSON_KEY's columns in the result, or an error naming the missing one and the result's columns. */
export function jsonKeySpec(columns: readonly Field[], key: { readonly columns: readonly string[]; readonly prefix: string; readonly valueFieldsInclude: 'ALL' | 'EXCEPT_KEY' }): JsonKeySpec {
  const positions = key.columns.map((name) => {
    const i = columns.findIndex((c) => c.name === name);
    if (i >= 0) return i;
    const j = columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (j >= 0) return j;
    throw userError(`SINK_KAFKA_JSON_KEY: the result has no column ${name} (columns: ${columns.map((c) => c.name).join(', ')})`, { key: 'SINK_KAFKA_JSON_KEY' });
  });
  return { positions, prefix: key.prefix, exceptKey: key.valueFieldsInclude === 'EXCEPT_KEY' };
}

export interface KafkaRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

/** Turns a batch of changes into the records to produce, in order. */
export type ChangelogEncoder = (rows: readonly Row[], kinds: readonly RowKind[] | undefined) => KafkaRecord[];

export function createJsonChangelogEncoder(
  columns: readonly Field[],
  options: { mode: JsonChangelogMode; uniqueKey?: readonly number[] | undefined; jsonSchema?: string | undefined; key?: JsonKeySpec | undefined; timestampFormat?: JsonTimestampFormat | undefined },
): ChangelogEncoder {
  // SINK_KAFKA_JSON_KEY (the sink table's PRIMARY KEY) names the key columns; else the result's unique key.
  const keySpec = options.key;
  const uniqueKey = keySpec ? keySpec.positions : options.uniqueKey && options.uniqueKey.length > 0 ? options.uniqueKey : undefined;
  const keyFields = uniqueKey?.map((i) => ({ ...columns[i]!, name: columns[i]!.name.slice(keySpec?.prefix.length ?? 0) }));
  const keyEncoder = keyFields ? createJsonRowEncoder(keyFields, undefined, options.timestampFormat) : undefined;
  const keyOf = (row: Row): Buffer | null => (keyEncoder ? asBuffer(keyEncoder.encode(uniqueKey!.map((i) => row[i]))) : null);
  // value.fields-include = EXCEPT_KEY: the value leaves the key columns out.
  const valuePositions = keySpec?.exceptKey ? columns.map((_c, i) => i).filter((i) => !uniqueKey!.includes(i)) : undefined;
  const valueEncoder = createJsonRowEncoder(valuePositions ? valuePositions.map((i) => columns[i]!) : columns, options.jsonSchema, options.timestampFormat);
  const rowEncoder = valuePositions ? { encode: (row: Row) => valueEncoder.encode(valuePositions.map((i) => row[i])) } : valueEncoder;
  if (options.mode === 'UPSERT') {
    if (!keyEncoder) throw userError(missingKeyMessage(columns), { key: 'SINK_KAFKA_JSON_CHANGELOG' });
    return (rows, kinds) => {
      const keys = rows.map(keyOf);
      const skip = replacedRetractions(keys, kinds);
      const out: KafkaRecord[] = [];
      rows.forEach((row, i) => {
        const kind = kinds ? kinds[i]! : RowKind.Insert;
        if (skip[i]) return;
        const retract = kind === RowKind.UpdateBefore || kind === RowKind.Delete;
        out.push({ key: keys[i]!, value: retract ? null : asBuffer(rowEncoder.encode(row)) });
      });
      return out;
    };
  }
  return (rows, kinds) =>
    rows.map((row, i) => {
      const kind = kinds ? kinds[i]! : RowKind.Insert;
      const image = utf8(rowEncoder.encode(row));
      const retract = kind === RowKind.UpdateBefore || kind === RowKind.Delete;
      const text = retract ? `{"before":${image},"after":null,"op":"d"}` : `{"before":null,"after":${image},"op":"c"}`;
      return { key: keyOf(row), value: Buffer.from(text, 'utf8') };
    });
}

/**
 * The -U rows whose key's next change in the batch is a +U or +I: the upsert that follows replaces them, so
 * they write nothing. Any other -U (its new value was filtered out, e.g. by HAVING) is a deletion of the key
 * and is written as a tombstone, as Flink's upsert-kafka writes every UPDATE_BEFORE it receives.
 */
export function replacedRetractions(keys: readonly (Buffer | null)[], kinds: readonly RowKind[] | undefined): boolean[] {
  const skip = new Array<boolean>(keys.length).fill(false);
  if (!kinds) return skip;
  const next = new Map<string, RowKind>();
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i]!.toString('latin1');
    const after = next.get(k);
    if (kinds[i] === RowKind.UpdateBefore && (after === RowKind.UpdateAfter || after === RowKind.Insert)) skip[i] = true;
    next.set(k, kinds[i]!);
  }
  return skip;
}

/** Why an updating result cannot be written as upserts: no column set identifies its rows. */
export function missingKeyMessage(columns: readonly Field[]): string {
  return `SINK_KAFKA_JSON_CHANGELOG=UPSERT needs the result's unique key for the record key, and this updating result has none (columns ${columns.map((c) => c.name).join(', ')}): keep the GROUP BY keys (or the Top-N's partition keys and row number) in the SELECT, or set SINK_KAFKA_JSON_CHANGELOG=DEBEZIUM to write before/after change records`;
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function utf8(u: Uint8Array): string {
  return asBuffer(u).toString('utf8');
}
