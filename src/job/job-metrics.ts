/**
 * The job's side of the metric catalogue: every series a job will report is created at start (counters at 0),
 * so `rate()` and alerts read 0 rather than "no data" before the first event; operator row counts; errors
 * counted by domain.
 */
import { DirkError } from '../core/errors.js';
import type { RecordCounter } from '../runtime/dataflow.js';
import type { CheckpointMetrics, Telemetry } from '../telemetry/index.js';
import type { PreparedJob } from './prepare.js';

const DOMAINS = ['user', 'external', 'internal'] as const;

export function createJobSeries(telemetry: Telemetry, job: PreparedJob): void {
  for (const stream of job.config.streams) {
    telemetry.sourceMetrics(stream.table);
    telemetry.lateRecords(stream.table);
  }
  // An operator whose input merges several tables counts its late rows under table="*".
  if (job.config.streams.length > 1) telemetry.lateRecords('*');
  for (const d of DOMAINS) for (const fatal of [true, false]) telemetry.errors(d, fatal);
  telemetry.checkpointMetrics();
  telemetry.restarts();
  for (const def of job.userFunctions) telemetry.udfMetrics(def.name);
}

/**
 * dirk_operator_records_in/out_total for one operator, labelled `<place>:<kind>` (`0:WindowAggregate`,
 * `1:Project`): the kind from the physical plan without its details, which hold expressions and would make
 * long, unstable label values; the place (0 = the operator that feeds the sink) tells two of a kind apart.
 */
export function operatorRecordCounter(telemetry: Telemetry): (index: number, label: string) => RecordCounter {
  return (index, label) => {
    const kind = /^[A-Za-z]+/.exec(label)?.[0] ?? 'Operator';
    const m = telemetry.operatorRecords(`${index}:${kind}`);
    return { in: (n) => m.recordsIn.inc(n), out: (n) => m.recordsOut.inc(n) };
  };
}

export function errorDomain(e: unknown): 'user' | 'external' | 'internal' {
  return e instanceof DirkError && (e.domain === 'user' || e.domain === 'external') ? e.domain : 'internal';
}

/**
 * The checkpoint counters, with each failed checkpoint also counted as a non-fatal external error (writing the
 * file or committing offsets failed); a failure that stops the job is counted as fatal where the job ends.
 */
export function checkpointMetricsCountingErrors(telemetry: Telemetry): CheckpointMetrics {
  const m = telemetry.checkpointMetrics();
  const errors = telemetry.errors('external', false);
  return {
    completed: m.completed,
    durationSeconds: m.durationSeconds,
    failed: { inc: (n?: number) => (m.failed.inc(n), errors.inc(n)) },
  };
}
