import { DecodeError } from '../../../core/errors.js';
import type { Row } from '../../../core/types.js';
import type { RowDecoder } from '../../../connectors/shared/codec.js';
import { defineTransformer } from '../api.js';

/**
 * Rows standing for records the decoder could not read. Dagger's deserializer emits such a record as a row
 * of defaults with `__internal_validation_field__` = false; Dirk marks the row object instead of adding a
 * column, so the table's columns (and the SQL) stay the same.
 */
const invalidRows = new WeakSet<Row>();

export function isInvalidRow(row: Row): boolean {
  return invalidRows.has(row);
}

/**
 * For a table whose pre-processor has an InvalidRecordFilterTransformer: a record that cannot be decoded
 * becomes a marked row of NULLs for the filter to drop and count, instead of going to the stream's
 * SOURCE_BAD_RECORD_POLICY (FAIL by default). The filter is Dagger's way of saying "skip bad records".
 * `onInvalid` hears of each one (the job counts it in dirk_source_decode_errors_total).
 */
export function markingDecoder(decoder: RowDecoder, columns: number, onInvalid?: (e: DecodeError) => void): RowDecoder {
  return {
    decode(bytes) {
      try {
        return decoder.decode(bytes);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        onInvalid?.(e);
        const row: Row = new Array<unknown>(columns).fill(null);
        invalidRows.add(row);
        return row;
      }
    },
  };
}

interface FilterState {
  readonly filtered: { inc(n?: number): void };
}

/**
 * Dagger's InvalidRecordFilterTransformer (pre-processor only): drops the rows of records that could not be
 * decoded and counts them in `dirk_filtered_invalid_records_total{table}` (Dagger's `filtered_invalid_records`,
 * tagged per table). With it, undecodable records of the table are filtered whatever SOURCE_BAD_RECORD_POLICY
 * says, except DEAD_LETTER, which keeps the bytes (the source dead-letters them before any filter runs).
 */
export const InvalidRecordFilterTransformer = defineTransformer<Record<string, never>, FilterState>({
  name: 'InvalidRecordFilterTransformer',
  description:
    "Drops the rows of records that could not be decoded, counting them in dirk_filtered_invalid_records_total{table} (Dagger's filtered_invalid_records). Pre-processor only; takes no arguments.",
  places: ['pre'],
  rowMapping: 'filter',
  arguments: {},
  open(ctx) {
    ctx.state = { filtered: ctx.telemetry.filteredInvalidRecords(ctx.table) };
  },
  transform(rows, ctx): Row[] {
    let dropped = 0;
    const out = rows.filter((r) => {
      if (!invalidRows.has(r)) return true;
      dropped++;
      return false;
    });
    if (dropped > 0) {
      ctx.state.filtered.inc(dropped);
      ctx.logger.info(`filtered ${dropped} invalid record(s) of table ${ctx.table}`);
    }
    return out;
  },
});
