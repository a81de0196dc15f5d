import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allMetricDefs } from '../../../src/telemetry/catalogue.js';
import { createTelemetry } from '../../../src/telemetry/telemetry.js';

/** Every metric a query of grafana/dirk-dashboard.json names is one Dirk exports. */
const DASHBOARD = JSON.parse(readFileSync(fileURLToPath(new URL('../../../grafana/dirk-dashboard.json', import.meta.url)), 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
  templating: { list: { definition?: string }[] };
};

async function exported(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const d of allMetricDefs()) {
    names.add(d.name);
    if (d.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${d.name}${s}`);
  }
  // The process metrics (prom-client's defaults with the dirk_ prefix), as a job registers them.
  const t = createTelemetry({ jobId: 'dashboard-test' });
  t.processStats();
  for (const m of await t.registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${m.name}${s}`);
  }
  return names;
}

describe('grafana/dirk-dashboard.json', () => {
  it('queries only metrics that exist, and covers the catalogue\'s main areas', async () => {
    const known = await exported();
    const exprs = [...DASHBOARD.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...DASHBOARD.templating.list.flatMap((v) => (v.definition ? [v.definition] : []))];
    const named = new Set(exprs.flatMap((e) => [...e.matchAll(/\b(dirk_[a-z0-9_]+)/g)].map((m) => m[1]!)));
    expect([...named].filter((n) => !known.has(n))).toEqual([]);
    for (const needed of [
      'dirk_job_running',
      'dirk_source_records_total',
      'dirk_sink_records_total',
      'dirk_operator_records_in_total',
      'dirk_kafka_consumer_lag_max_records',
      'dirk_watermark_lag_seconds',
      'dirk_late_records_total',
      'dirk_udf_errors_total',
      'dirk_udf_duration_seconds_bucket',
      'dirk_external_failures_total',
      'dirk_checkpoints_total',
      'dirk_checkpoint_duration_seconds_bucket',
      'dirk_checkpoint_size_bytes',
      'dirk_output_event_time_lag_seconds',
      'dirk_operator_state_bytes',
      'dirk_operator_state_keys',
      'dirk_nodejs_eventloop_lag_seconds',
      'dirk_nodejs_heap_size_used_bytes',
    ]) {
      expect(named.has(needed), needed).toBe(true);
    }
  });

  it('panels do not overlap', () => {
    const boxes = (DASHBOARD.panels as unknown as { gridPos: { x: number; y: number; w: number; h: number } }[]).map((p) => p.gridPos);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `panels ${i} and ${j}`).toBe(false);
      }
    }
  });
});
