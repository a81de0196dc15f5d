/**
 * The handful of numbers the UI shows per job, read from the job's own Prometheus page: totals (the UI
 * turns two samples into rates), consumer lag, watermark and checkpoint figures.
 */
export interface MetricsSummary {
  readonly at: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly lateRecords: number;
  readonly badRecords: number;
  readonly consumerLag: number | null;
  readonly watermarkLagMs: number | null;
  readonly checkpointsCompleted: number;
  readonly checkpointsFailed: number;
  readonly udfErrors: number;
  readonly externalErrors: number;
  /** Now minus the event time the output reached (dirk_output_event_time_lag_seconds). */
  readonly outputLagMs: number | null;
  /** Operator state summed over operators, as measured at the last checkpoint. */
  readonly stateBytes: number;
  readonly stateKeys: number;
  readonly checkpointBytes: number | null;
}

interface Sample {
  readonly name: string;
  readonly labels: string;
  readonly value: number;
}

export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (Number.isFinite(value)) out.push({ name: m[1]!, labels: m[2] ?? '', value });
  }
  return out;
}

export function summarize(text: string, at = Date.now()): MetricsSummary {
  const samples = parsePrometheusText(text);
  const sum = (re: RegExp, labels?: RegExp): number =>
    samples.filter((s) => re.test(s.name) && (!labels || labels.test(s.labels))).reduce((a, s) => a + s.value, 0);
  const max = (re: RegExp): number | null => {
    const v = samples.filter((s) => re.test(s.name)).map((s) => s.value);
    return v.length ? Math.max(...v) : null;
  };
  return {
    at,
    recordsIn: sum(/^dirk_source_records_total$/),
    recordsOut: sum(/^dirk_sink_records_total$/),
    lateRecords: sum(/^dirk_late_records_total$/),
    badRecords: sum(/^dirk_source_decode_errors_total$/),
    consumerLag: max(/^dirk_(kafka_)?consumer_lag(_records)?$/),
    watermarkLagMs: max(/^dirk_watermark_lag_(ms|milliseconds)$/) ?? secondsToMs(max(/^dirk_watermark_lag_seconds$/)),
    checkpointsCompleted: sum(/^dirk_checkpoints_total$/, /status="(completed|ok|success)"/) || sum(/^dirk_checkpoints_completed_total$/),
    checkpointsFailed: sum(/^dirk_checkpoints_total$/, /status="failed"/) || sum(/^dirk_checkpoints_failed_total$/),
    udfErrors: sum(/^dirk_udf_errors_total$/),
    externalErrors: sum(/^dirk_external_failures_total$/),
    outputLagMs: secondsToMs(max(/^dirk_output_event_time_lag_seconds$/)),
    stateBytes: sum(/^dirk_operator_state_bytes$/),
    stateKeys: sum(/^dirk_operator_state_keys$/),
    checkpointBytes: max(/^dirk_checkpoint_size_bytes$/),
  };
}

function secondsToMs(v: number | null): number | null {
  return v === null ? null : v * 1000;
}
