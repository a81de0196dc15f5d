import type { Logger } from '../core/logger.js';
import type { Row } from '../core/types.js';
import type { PlanNode, QueryPlan } from '../plan/nodes.js';
import type { RowDecoder, RowEncoder, SchemaChangeEvent } from '../schema/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { PreparedJob } from './prepare.js';

/**
 * Pass-through jobs carry the record's original bytes to the sink.
 *
 * A job whose query is `SELECT * FROM t [WHERE ...]` over one protobuf table, writing PROTO to Kafka with
 * the same proto class, hands each input record to the sink unchanged. Re-encoding the row would drop
 * everything the pinned table does not have: fields added to the schema after the job started (live
 * refresh), and fields the producers already write but the job's version does not know. So the decoder
 * remembers each row's bytes (a WeakMap keyed by the row array) and the sink writes those bytes for a row
 * it finds there. Rows are the decoder's own arrays all the way: filters pass them on as they are, and
 * the identity projection `SELECT *` plans is dropped from the plan the job runs.
 *
 * For pass-through rows, the bytes are semantically the row: Dirk's decode then re-encode of the same
 * class writes the same field values (defaults are not written either way), so the output differs from
 * re-encoding only in what re-encoding would lose (unknown fields) and in byte order details.
 */
export interface PassThrough {
  /** The stream table whose records pass through. */
  readonly table: string;
  /** The plan the job runs: the query plan without identity projections. */
  readonly plan: QueryPlan;
  /** Original record bytes per decoded row. */
  readonly bytes: WeakMap<Row, Uint8Array>;
}

const stripDot = (s: string): string => (s.startsWith('.') ? s.slice(1) : s);

/** True when `n` projects its input's columns unchanged, in order, under the same names. */
function isIdentityProject(n: Extract<PlanNode, { kind: 'project' }>): boolean {
  const input = n.input.fields;
  if (n.exprs.length !== input.length) return false;
  return n.exprs.every((e, i) => e.k === 'col' && e.index === i && n.fields[i]?.name === input[i]?.name);
}

/** Removes identity projections from a chain of filters and projections over one scan; undefined otherwise. */
function stripToScan(n: PlanNode): PlanNode | undefined {
  switch (n.kind) {
    case 'scan':
      return n;
    case 'filter': {
      const input = stripToScan(n.input);
      return input && (input === n.input ? n : { ...n, input });
    }
    case 'project':
      return isIdentityProject(n) ? stripToScan(n.input) : undefined;
    default:
      return undefined;
  }
}

export function detectPassThrough(job: PreparedJob): PassThrough | undefined {
  const { config, plan } = job;
  const sink = config.sink;
  if (sink.type !== 'kafka' || sink.dataType !== 'PROTO' || !sink.protoMessage) return undefined;
  if (config.processors.preprocessorEnabled || config.processors.postprocessorEnabled) return undefined;
  if (plan.scans.length !== 1 || plan.root.updating) return undefined;
  const scan = plan.scans[0]!;
  const entry = [...job.tables.values()].find((t) => t.schema === scan.table || t.schema.name === scan.table.name);
  if (!entry || entry.stream.dataType !== 'PROTO' || !entry.stream.protoClass) return undefined;
  if (stripDot(entry.stream.protoClass) !== stripDot(sink.protoMessage)) return undefined;
  const root = stripToScan(plan.root);
  if (!root) return undefined;
  // Every column of the table, in order: the row is the whole record.
  const cols = scan.table.columns;
  if (root.fields.length !== cols.length || root.fields.some((f, i) => f.name !== cols[i]!.name)) return undefined;
  return { table: entry.stream.table, plan: { root, scans: plan.scans }, bytes: new WeakMap() };
}

/** The decoder of a pass-through table: remembers each row's bytes. */
export function rememberingDecoder(decoder: RowDecoder, bytes: WeakMap<Row, Uint8Array>): RowDecoder {
  return {
    decode(b: Uint8Array): Row {
      const row = decoder.decode(b);
      bytes.set(row, b);
      return row;
    },
  };
}

/** The sink encoder of a pass-through job: a row's original bytes when known, else the encoder's. */
export function passThroughEncoder(encoder: RowEncoder, bytes: WeakMap<Row, Uint8Array>): RowEncoder {
  return { encode: (row: Row) => bytes.get(row) ?? encoder.encode(row) };
}

/**
 * Reports what a table's decoder did with a registry refresh: applied (info log, counter) or rejected
 * because of an incompatible change to a column the query reads (warning naming each problem, counters).
 */
export function schemaChangeReporter(
  table: string,
  telemetry: Telemetry,
  logger: Logger,
  passThrough: boolean,
): (event: SchemaChangeEvent) => void {
  const metrics = telemetry.schemaMetrics(table);
  return (e) => {
    if (e.applied) {
      metrics.applied.inc();
      logger.info('schema refreshed: decoding with the new version', {
        table,
        protoClass: e.protoClass,
        generation: e.generation,
        ...(e.newFields.length
          ? { newFields: e.newFields, newFieldsAre: passThrough ? 'carried to the sink in the record bytes (pass-through)' : 'not columns until a restart' }
          : {}),
      });
      return;
    }
    metrics.rejected.inc();
    for (const p of e.problems) metrics.incompatible(p.reason).inc();
    logger.warn('schema refresh rejected: incompatible change to a column the query reads; the job keeps the schema it has', {
      table,
      protoClass: e.protoClass,
      generation: e.generation,
      problems: e.problems.map((p) => `${p.reason}: ${p.detail}`),
    });
  };
}
