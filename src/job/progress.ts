/**
 * What a running job says about itself in the log: a progress line every N seconds (records in and out,
 * rates, event-time lag, late and bad records) and, when it ends, a summary (records read, written, late,
 * bad, UDF errors, duration). Both read the job's own metrics, so the log and /metrics always agree.
 */
import type { Logger } from '../core/logger.js';
import type { Telemetry } from '../telemetry/index.js';

export interface JobTotals {
  readonly read: number;
  readonly written: number;
  readonly late: number;
  readonly bad: number;
  readonly udfErrors: number;
  /** Largest processing-time minus watermark over the tables, in seconds; undefined before any watermark. */
  readonly watermarkLagSeconds: number | undefined;
}

export async function readTotals(telemetry: Telemetry): Promise<JobTotals> {
  const metrics = await telemetry.registry.getMetricsAsJSON();
  const values = (name: string): number[] => (metrics.find((m) => m.name === name)?.values ?? []).map((v) => Number(v.value));
  const sum = (name: string): number => values(name).reduce((a, b) => a + b, 0);
  const lags = values('dirk_watermark_lag_seconds').filter((v) => Number.isFinite(v));
  return {
    read: sum('dirk_source_records_total'),
    written: sum('dirk_sink_records_total'),
    late: sum('dirk_late_records_total'),
    bad: sum('dirk_source_decode_errors_total'),
    udfErrors: sum('dirk_udf_errors_total'),
    watermarkLagSeconds: lags.length > 0 ? Math.max(...lags) : undefined,
  };
}

export interface ProgressReporter {
  /** Stops the periodic line and logs the summary. */
  finish(): Promise<JobTotals>;
}

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

/** `intervalMs` 0 turns the periodic line off; the summary is always logged. */
export function startProgress(telemetry: Telemetry, logger: Logger, intervalMs: number, now: () => number = Date.now): ProgressReporter {
  const started = now();
  let last = { at: started, read: 0, written: 0 };
  let busy = false;
  const tick = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      const t = await readTotals(telemetry);
      const at = now();
      const seconds = Math.max((at - last.at) / 1000, 0.001);
      logger.info('progress', {
        records_in: t.read,
        records_out: t.written,
        in_per_second: round((t.read - last.read) / seconds),
        out_per_second: round((t.written - last.written) / seconds),
        ...(t.watermarkLagSeconds !== undefined ? { watermark_lag_seconds: round(t.watermarkLagSeconds) } : {}),
        late: t.late,
        bad: t.bad,
      });
      last = { at, read: t.read, written: t.written };
    } finally {
      busy = false;
    }
  };
  const timer = intervalMs > 0 ? setInterval(() => void tick().catch(() => undefined), intervalMs) : undefined;
  timer?.unref();
  return {
    async finish() {
      if (timer) clearInterval(timer);
      const t = await readTotals(telemetry);
      logger.info('summary', {
        records_read: t.read,
        records_written: t.written,
        late: t.late,
        bad: t.bad,
        udf_errors: t.udfErrors,
        duration_seconds: round((now() - started) / 1000, 3),
      });
      return t;
    },
  };
}
