/**
 * The job's side of the metric catalogue: every series a job will report is created at start (counters at 0),
 * so `rate()` and alerts read 0 rather than "no data" before the first event; operator row counts; errors
 * counted by domain.
 */
import { DirkError } from '../core/errors.js';
import type { RecordCounter } from '../runtime/dataflow.js';
import type { CheckpointMetrics, Telemetry } from '../telemetry/index.js';
import type { PreparedJob } from './prepare.js';
import type { Checkpoint, CheckpointRecord } from '../runtime/checkpoint-store.js';
import { countEntries } from '../runtime/state/capture.js';

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
  telemetry.checkpointSizeBytes();
  telemetry.outputEventTimeLagMs();
  telemetry.restarts();
  for (const def of job.userFunctions) telemetry.udfMetrics(def.name);
}

/**
 * dirk_operator_records_in/out_total for one operator, labelled `<place>:<kind>` (`0:WindowAggregate`,
 * `1:Project`): the kind from the physical plan without its details, which hold expressions and would make
 * long, unstable label values; the place (0 = the operator that feeds the sink) tells two of a kind apart.
 */
export function operatorRecordCounter(telemetry: Telemetry, labels: string[] = []): (index: number, label: string) => RecordCounter {
  return (index, label) => {
    const kind = /^[A-Za-z]+/.exec(label)?.[0] ?? 'Operator';
    const name = `${index}:${kind}`;
    const m = telemetry.operatorRecords(name);
    // The state gauges exist from the start (0 until the first checkpoint measures them).
    const state = telemetry.operatorState(name);
    state.keys.set(0);
    state.bytes.set(0);
    labels[index] = name;
    return { in: (n) => m.recordsIn.inc(n), out: (n) => m.recordsOut.inc(n) };
  };
}

/**
 * At every completed checkpoint: its line in the checkpoint history, the file's size, and each operator's
 * state size: the entries of its keyed state (the Maps it holds, at any depth), and a bytes estimate (the file's size shared out by
 * entries; serializing each state again would cost as much as the checkpoint). `labels` are the
 * operators' metric labels by position, as operatorRecordCounter filled them.
 */
export function checkpointObserver(
  telemetry: Telemetry,
  labels: readonly string[],
  store: { fileBytes(id: number): number; record(entry: CheckpointRecord): void },
): (done: { checkpoint: Checkpoint; durationMs: number }) => void {
  const size = telemetry.checkpointSizeBytes();
  return ({ checkpoint, durationMs }) => {
    const bytes = store.fileBytes(checkpoint.id);
    size.set(bytes);
    store.record({ id: checkpoint.id, takenAt: checkpoint.takenAt, durationMs, bytes, positions: checkpoint.positions });
    const entries = checkpoint.operatorStates.map((state) => countEntries([state]));
    const total = entries.reduce((a, b) => a + b, 0);
    entries.forEach((n, i) => {
      const label = labels[i];
      if (label === undefined) return;
      const m = telemetry.operatorState(label);
      m.keys.set(n);
      m.bytes.set(total === 0 ? 0 : Math.round((bytes * n) / total));
    });
  };
}

/**
 * dirk_output_event_time_lag_seconds: processing time minus the event time the output reached, the larger
 * of the watermark the dataflow hands the sink side and the newest event time of an emitted row (when the
 * result has an event-time column). Updated every second, so it grows while the output stands still.
 */
export function outputLagTracker(telemetry: Telemetry, rowtimeIndex: number | undefined, now: () => number = Date.now): { rows(rows: readonly unknown[][]): void; watermark(time: number): void; close(): void } {
  const gauge = telemetry.outputEventTimeLagMs();
  let reached = -Infinity;
  const update = (): void => {
    if (Number.isFinite(reached)) gauge.set(Math.max(0, now() - reached));
  };
  const timer = setInterval(update, 1000);
  timer.unref();
  return {
    rows(rows) {
      if (rowtimeIndex === undefined) return;
      const before = reached;
      for (const r of rows) {
        const t = r[rowtimeIndex];
        if (typeof t === 'number' && t > reached) reached = t;
      }
      if (reached !== before) update();
    },
    watermark(time) {
      if (time > reached) reached = time;
      update();
    },
    close: () => clearInterval(timer),
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
