import { describeFound, userError } from '../../core/errors.js';
import type { Row, TableSchema } from '../../core/types.js';
import type { StageContext } from '../types.js';
import { buildTransformer, transformerStage, type BuiltTransformer, type TransformerJob, type TransformerStage } from './build.js';
import { InvalidRecordFilterTransformer } from './invalid-record-filter/invalid-record-filter.js';

const KEY = 'PROCESSOR_PREPROCESSOR_CONFIG';

/** The pre-processor of one table: its transformers, the columns decoded and the columns the SQL sees. */
export interface TablePreprocessor {
  readonly table: string;
  readonly transformers: readonly BuiltTransformer[];
  /** What the source decodes (the stream's schema). */
  readonly decoded: TableSchema;
  /** What the table is registered as for SQL: the last transformer's output. */
  readonly output: TableSchema;
  /** An InvalidRecordFilterTransformer runs: undecodable records become marked rows for it to drop. */
  readonly filtersInvalidRecords: boolean;
}

/**
 * Reads `{"table_transformers":[{"table_name":..,"transformers":[..]}]}` and builds each table's transformers
 * in order, each checked against the columns the one before it produces. Tables are matched by
 * INPUT_SCHEMA_TABLE; a table named twice runs both lists in the order written (Dagger creates one
 * processor per entry and applies each).
 */
export function buildPreprocessors(raw: unknown, tables: ReadonlyMap<string, TableSchema>, job: TransformerJob): Map<string, TablePreprocessor> {
  const out = new Map<string, TablePreprocessor>();
  if (raw === null || raw === undefined) {
    throw userError(`${KEY}: expected {"table_transformers": [{"table_name": ..., "transformers": [...]}]} (PROCESSOR_PREPROCESSOR_ENABLE=true), found nothing`);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) throw userError(`${KEY}: expected an object {"table_transformers": [...]}, found ${describeFound(raw)}`);
  const list = (raw as Record<string, unknown>).table_transformers;
  if (list === undefined) {
    job.warn?.(`${KEY} has no table_transformers: no table is pre-processed`);
    return out;
  }
  if (!Array.isArray(list)) throw userError(`${KEY}.table_transformers: expected an array of {"table_name", "transformers"}, found ${describeFound(list)}`);
  list.forEach((entry: unknown, i) => {
    const path = `${KEY}.table_transformers[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw userError(`${path}: expected {"table_name": ..., "transformers": [...]}, found ${describeFound(entry)}`);
    const e = entry as Record<string, unknown>;
    const name = e.table_name;
    const schema = typeof name === 'string' ? tables.get(name) : undefined;
    if (!schema) {
      throw userError(`${path}.table_name: expected one of the INPUT_SCHEMA_TABLE names (${[...tables.keys()].join(', ')}), found ${describeFound(name)}`);
    }
    if (!Array.isArray(e.transformers)) throw userError(`${path}.transformers: expected an array of {"transformation_class", "transformation_arguments"}, found ${describeFound(e.transformers)}`);
    const before = out.get(schema.name);
    const built: BuiltTransformer[] = [...(before?.transformers ?? [])];
    let columns = before ? before.output.columns : schema.columns;
    e.transformers.forEach((t: unknown, j) => {
      const b = buildTransformer(t, `${path}.transformers[${j}]`, columns, 'pre', schema.name, job);
      built.push(b);
      columns = b.output;
    });
    const rowtime = schema.rowtimeIndex === undefined ? -1 : columns.findIndex((f) => f.name === schema.columns[schema.rowtimeIndex!]!.name && f.type.kind === 'TIMESTAMP');
    out.set(schema.name, {
      table: schema.name,
      transformers: built,
      decoded: schema,
      output: { name: schema.name, columns, rowtimeIndex: rowtime < 0 ? undefined : rowtime },
      filtersInvalidRecords: built.some((b) => b.def === InvalidRecordFilterTransformer),
    });
  });
  return out;
}

/** A table's transformers as one running step: each batch goes through them in order. */
export class PreprocessorRunner {
  readonly stages: readonly TransformerStage[];

  constructor(readonly pre: TablePreprocessor) {
    this.stages = pre.transformers.map((t, i) => transformerStage(t, i));
  }

  async open(ctx: StageContext): Promise<void> {
    for (const s of this.stages) await s.open?.(ctx);
  }

  async process(rows: Row[], origin?: string): Promise<Row[]> {
    let batch = { rows, ...(origin ? { origin } : {}) };
    for (const s of this.stages) {
      if (batch.rows.length === 0) break;
      batch = { ...(await s.process(batch)), ...(origin ? { origin } : {}) };
    }
    return batch.rows;
  }

  /** The input has ended (event time +infinity): rows transformers held back by event time, run through the rest. */
  async finish(): Promise<Row[]> {
    let rows: Row[] = [];
    for (const s of this.stages) {
      if (rows.length) rows = (await s.process({ rows })).rows;
      const flushed = await s.onWatermark?.(Infinity);
      if (flushed?.rows.length) rows = [...rows, ...flushed.rows];
    }
    return rows;
  }

  snapshot(): unknown[] {
    return this.stages.map((s) => s.snapshot?.());
  }

  restore(states: readonly unknown[]): void {
    this.stages.forEach((s, i) => {
      if (states[i] !== undefined) s.restore?.(states[i]);
    });
  }

  async close(): Promise<void> {
    for (const s of [...this.stages].reverse()) await s.close?.();
  }
}
