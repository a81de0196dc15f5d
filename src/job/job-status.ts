/**
 * GET /status on the metrics server: what the job is doing, as JSON, for people and probes that want more
 * than /healthz. Built on request from the running job's own objects and metrics; nothing is kept for it.
 */
import type { Source } from '../core/connector.js';
import type { Telemetry } from '../telemetry/index.js';

export interface StatusInput {
  readonly table: string;
  readonly sourceName: string;
  readonly source: Pick<Source, 'positions'>;
  /** The watermark the table last emitted (ms), -Infinity before the first. */
  readonly watermark: () => number;
}

export interface StatusParts {
  readonly jobId: string;
  readonly startedAt: number;
  readonly state: () => 'running' | 'stopping' | 'stopped' | 'failed';
  readonly plan: string;
  readonly inputs: readonly StatusInput[];
  readonly lastCheckpoint: () => number | undefined;
  readonly telemetry: Telemetry;
}

/** Late-bound: the metrics server starts before the pipeline it reports on exists. */
export class StatusSource {
  private parts: StatusParts | undefined;

  set(parts: StatusParts): void {
    this.parts = parts;
  }

  async get(): Promise<unknown> {
    const p = this.parts;
    if (!p) return { state: 'starting' };
    const metrics = await p.telemetry.registry.getMetricsAsJSON();
    const series = (name: string) => metrics.find((m) => m.name === name)?.values ?? [];
    const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
    return {
      job: p.jobId,
      state: p.state(),
      startedAt: iso(p.startedAt),
      sources: p.inputs.map((i) => {
        const lag = series('dirk_kafka_consumer_lag_records').filter((v) => v.labels['table'] === i.table);
        const read = series('dirk_source_records_total').find((v) => v.labels['table'] === i.table)?.value ?? 0;
        return {
          table: i.table,
          source: i.sourceName,
          recordsRead: read,
          positions: i.source.positions(),
          watermark: iso(i.watermark()),
          ...(lag.length > 0
            ? {
                lag: Object.fromEntries(lag.map((v) => [`${String(v.labels['topic'])}/${String(v.labels['partition'])}`, v.value])),
                maxLag: Math.max(...lag.map((v) => v.value)),
              }
            : {}),
        };
      }),
      lastCheckpoint: p.lastCheckpoint() ?? null,
      plan: p.plan,
    };
  }
}
