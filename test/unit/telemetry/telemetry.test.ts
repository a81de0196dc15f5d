import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allMetricDefs, createTelemetry, startMetricsServer } from '../../../src/telemetry/index.js';

/** The value of the series `name` whose labels include `labels` (label order does not matter). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (.+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map([...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(m[3]);
  }
  return undefined;
}

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;

describe('metric catalogue', () => {
  it('names every metric once with the dirk_ prefix, counters ending in _total, bounded labels', () => {
    const defs = allMetricDefs();
    const names = defs.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of defs) {
      expect(d.name).toMatch(/^dirk_[a-z0-9_]+$/);
      expect(d.help.length).toBeGreaterThan(10);
      if (d.type === 'counter') expect(d.name).toMatch(/_total$/);
      else expect(d.name).not.toMatch(/_total$/);
      if (d.type === 'histogram') expect(d.buckets?.length).toBeGreaterThan(0);
      expect(d.name).not.toMatch(/_ms$|millis/);
      expect(d.labels).not.toContain('job');
    }
  });

  it('is documented in docs/metrics.md', () => {
    const doc = fs.readFileSync(new URL('../../../docs/metrics.md', import.meta.url), 'utf8');
    for (const d of allMetricDefs()) expect(doc, d.name).toContain(`\`${d.name}\``);
  });
});

describe('telemetry', () => {
  it('binds labels and exports the values', async () => {
    const t = createTelemetry({ jobId: 'booking-job', defaultLabels: { instance: 'a' } });
    const src = t.sourceMetrics('booking');
    src.recordsIn.inc(3);
    src.bytesIn.inc(300);
    src.decodeErrors.inc();
    expect(t.sourceMetrics('booking').recordsIn).toBe(src.recordsIn);
    t.sinkMetrics('kafka').recordsOut.inc(2);
    t.sinkMetrics('kafka').flushLatencySeconds.observe(0.02);
    t.watermarkLagMs('booking').set(1500);
    t.lateRecords('booking').inc();
    t.operatorRecords('window-1').recordsOut.inc(5);
    const hooks = t.udfHooks();
    hooks.onCall('S2Id');
    hooks.onLatency('S2Id', 0.5);
    hooks.onError('S2Id', new Error('x'));
    t.externalMetrics('http.0').failure('http_5xx').inc();
    expect(() => t.externalMetrics('http.0').failure('nope' as 'other')).toThrow(/valid: timeout/);
    t.checkpointMetrics().completed.inc();
    t.jobInfo({ sinkType: 'kafka' });
    t.error('external', false);
    t.running().set(1);
    t.sourceTopic('booking', 'booking-log');

    const text = await t.metrics();
    expect(text).toContain('dirk_source_records_total{table="booking",job="booking-job",instance="a"} 3');
    expect(text).toContain('dirk_source_bytes_total{table="booking",job="booking-job",instance="a"} 300');
    expect(text).toContain('dirk_sink_records_total{sink="kafka",job="booking-job",instance="a"} 2');
    expect(text).toContain('dirk_watermark_lag_seconds{table="booking",job="booking-job",instance="a"} 1.5');
    expect(text).toContain('dirk_operator_records_out_total{operator="window-1",job="booking-job",instance="a"} 5');
    expect(text).toContain('dirk_udf_calls_total{udf="S2Id",job="booking-job",instance="a"} 1');
    expect(text).toContain('dirk_udf_errors_total{udf="S2Id",job="booking-job",instance="a"} 1');
    expect(sample(text, 'dirk_udf_duration_seconds_count', { udf: 'S2Id', job: 'booking-job' })).toBe(1);
    expect(text).toContain(
      'dirk_external_failures_total{metric_id="http.0",reason="http_5xx",job="booking-job",instance="a"} 1',
    );
    expect(text).toContain('dirk_job_info{sink_type="kafka",job="booking-job",instance="a"} 1');
    expect(text).toContain('dirk_errors_total{domain="external",status="non_fatal",job="booking-job",instance="a"} 1');
    expect(text).toContain('dirk_source_topic_info{table="booking",topic="booking-log",job="booking-job",instance="a"} 1');
  });

  it('keeps each job in its own registry', async () => {
    const a = createTelemetry({ jobId: 'a' });
    const b = createTelemetry({ jobId: 'b' });
    a.sourceMetrics('t').recordsIn.inc(7);
    b.sourceMetrics('t').recordsIn.inc(1);
    expect(await a.metrics()).toContain('dirk_source_records_total{table="t",job="a"} 7');
    expect(await b.metrics()).not.toContain('job="a"');
  });

  it('serves /metrics and /healthz over HTTP, and the output passes promtool', async () => {
    const t = createTelemetry({ jobId: 'http-job' });
    t.processStats();
    t.processStats();
    t.sourceMetrics('booking').recordsIn.inc(42);
    t.sinkMetrics('log').flushLatencySeconds.observe(0.003);
    t.udfMetrics('Distance').latencySeconds.observe(0.00002);
    t.externalMetrics('http.0').successSeconds.observe(0.1);
    t.checkpointMetrics().durationSeconds.observe(1);
    let healthy = true;
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, telemetry: t, healthy: () => healthy });
    try {
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      expect(text).toContain('dirk_source_records_total{table="booking",job="http-job"} 42');
      expect(text).toContain('# TYPE dirk_source_records_total counter');
      expect(text).toMatch(/^dirk_process_cpu_seconds_total\{job="http-job"\} /m);
      expect(text).toMatch(/^dirk_nodejs_eventloop_lag_seconds\{job="http-job"\} /m);

      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      healthy = false;
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
      expect((await fetch(`${server.url}/nope`)).status).toBe(404);

      if (hasPromtool) {
        const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
        expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
        expect(r.status).toBe(0);
      }
    } finally {
      await server.close();
    }
  });
});
